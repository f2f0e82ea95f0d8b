import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PLAY_STATUSES } from '../../hub/src/broadcasts/play-log.ts';
import { en, vi } from '../../hub/src/i18n/app.ts';
import { from } from '../../hub/src/influx/influxql.ts';
import {
  InfluxTarget,
  named,
  ourDashboard,
  series,
  table as tableTarget,
  tagVariable,
  words,
} from './common.ts';

/** Broadcasts (Truyền thanh): what was scheduled, what each loudspeaker played, how late, how long. */

const inZone = [{ tag: 'zone', matches: '$zone' }] as const;
const TIER_NAMES = Object.fromEntries(
  (['normal', 'priority', 'emergency'] as const).map((tier) => [
    tier,
    `${vi[`app.tier.${tier}`]} / ${en[`app.tier.${tier}`]}`,
  ]),
);

/** One target per status, and one for all airings: merged into a row per zone and speaker. */
function outcomeTargets(): InfluxTarget[] {
  const all = new InfluxTarget(
    'all',
    from('broadcast', {
      select: [{ expr: 'count(status)', as: 'scheduled' }],
      where: inZone,
      groupBy: ['zone', 'speaker'],
    }),
    'table',
  );
  return [
    all,
    ...PLAY_STATUSES.map(
      (status) =>
        new InfluxTarget(
          status,
          from('broadcast', {
            select: [{ expr: 'count(status)', as: status }],
            where: [...inZone, { field: 'status', is: status }],
            groupBy: ['zone', 'speaker'],
          }),
          'table',
        ),
    ),
  ];
}

export function truyenThanh(): dashboard.DashboardBuilder {
  const outcomes = new table.PanelBuilder()
    .title('Lịch phát và kết quả theo loa / Scheduled and played, per speaker')
    .description(
      'Mỗi loa ở mỗi cụm đã phát trọn bao nhiêu lượt, lỡ bao nhiêu, vì sao? — How many airings did each speaker play, miss, or fail?',
    )
    .targets(outcomeTargets())
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
    .noValue('0')
    .span(24)
    .height(10);
  named(outcomes, {
    zone: 'Cụm loa / Zone',
    speaker: 'Loa / Speaker',
    scheduled: 'Theo lịch / Scheduled',
    ...Object.fromEntries(
      PLAY_STATUSES.map((status) => [status, `${vi[`app.play.${status}`]} / ${en[`app.play.${status}`]}`]),
    ),
  });

  return ourDashboard(
    'thanthien-truyen-thanh',
    'Truyền thanh / Broadcasts',
    'Đài truyền thanh cơ sở: lịch phát, kết quả từng loa, độ trễ, thời lượng — the commune radio: schedule, outcome per speaker, delay, airtime',
  )
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .withVariable(tagVariable('zone', 'Cụm loa / Zone', 'broadcast', 'zone'))
    .withPanel(outcomes)
    .withPanel(
      named(
        new table.PanelBuilder()
          .title('Độ trễ khi bắt đầu / Start delay')
          .description(
            'Loa nào bắt đầu phát chậm so với lịch, chậm bao nhiêu? — Which speakers started late against the schedule, and by how much?',
          )
          .withTarget(
            tableTarget(
              from('broadcast', {
                select: [
                  { expr: 'mean(offset_ms)', as: 'mean_ms' },
                  { expr: 'max(offset_ms)', as: 'max_ms' },
                ],
                where: inZone,
                groupBy: ['zone', 'speaker'],
              }),
            ),
          )
          .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
          .unit('ms')
          .decimals(0)
          .span(12)
          .height(8),
        {
          zone: 'Cụm loa / Zone',
          speaker: 'Loa / Speaker',
          mean_ms: 'Trung bình / Mean',
          max_ms: 'Lớn nhất / Max',
        },
      ),
    )
    .withPanel(
      new barchart.PanelBuilder()
        .title('Số phút đã phát theo mức / Minutes aired by tier')
        .description(
          'Loa đã phát bao nhiêu phút tin thường, ưu tiên, khẩn cấp (cộng mọi loa)? — How many minutes of each tier did the speakers air, summed over speakers?',
        )
        .withTarget(
          tableTarget(
            from('broadcast', {
              select: [{ expr: ['sum(played_s)', '/', 60], as: 'minutes' }],
              where: inZone,
              groupBy: ['priority'],
            }),
          ),
        )
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
        .xField('priority')
        .mappings(words(TIER_NAMES))
        .showValue(common.VisibilityMode.Always)
        .unit('suffix: phút')
        .decimals(1)
        .legend(new common.VizLegendOptionsBuilder().showLegend(false))
        .span(12)
        .height(8),
    )
    .withPanel(
      named(new timeseries.PanelBuilder(), TIER_NAMES)
        .title('Số phút phát mỗi ngày / Minutes aired per day')
        .description('Mỗi ngày loa phát bao nhiêu phút, theo mức? — How many minutes a day, by tier?')
        .withTarget(
          series(
            from('broadcast', {
              select: [{ expr: ['sum(played_s)', '/', 60], as: 'minutes' }],
              where: inZone,
              groupBy: [{ time: '1d', offset: '-7h' }, 'priority'],
              fill: 'none',
            }),
            'priority',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(80)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .unit('suffix: phút')
        .legend(
          new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List),
        )
        .span(24)
        .height(8),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Độ trễ lớn nhất theo cụm / Largest delay by zone')
        .description(
          'Độ trễ khi bắt đầu có tăng dần ở cụm nào không? — Is the start delay growing in any zone?',
        )
        .withTarget(
          series(
            from('broadcast', {
              select: [{ expr: 'max(offset_ms)', as: 'max_ms' }],
              where: inZone,
              groupBy: [{ time: 'auto' }, 'zone'],
              fill: 'none',
            }),
            'zone',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Points)
        .unit('ms')
        .legend(
          new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List),
        )
        .span(24)
        .height(8),
    );
}
