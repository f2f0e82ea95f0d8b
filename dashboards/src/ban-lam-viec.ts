import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import { from, fromQuery } from '../../hub/src/influx/influxql.ts';
import { ourDashboard, series, tagVariable, words } from './common.ts';

/** Live desks (Bàn làm việc trực tiếp): who is at which desk now, and how long today. */

const atDesk = [{ tag: 'desk', matches: '$desk' }] as const;
const PRESENT = words({
  '1': { text: 'Có mặt / Present', color: 'green' },
  '0': { text: 'Vắng / Away', color: 'red' },
});

/** A desk's state minute by minute, carried forward from its last report. */
const byMinute = from('presence', {
  select: [{ expr: 'last(present)', as: 'present' }],
  where: atDesk,
  groupBy: [{ time: '1m' }, 'desk'],
  fill: 'previous',
});

export function banLamViec(): dashboard.DashboardBuilder {
  return ourDashboard(
    'thanthien-ban-lam-viec',
    'Bàn làm việc trực tiếp / Live desks',
    'Quầy nào có người, từ bao giờ, hôm nay có mặt bao lâu — which desks are staffed, since when, for how long today',
  )
    .time({ from: 'now/d', to: 'now' })
    .refresh('5s')
    .withVariable(tagVariable('desk', 'Quầy / Desk', 'presence', 'desk'))
    .withPanel(
      new stat.PanelBuilder()
        .title('Bây giờ / Now')
        .description('Lúc này quầy nào có người, quầy nào vắng? — Which desks are staffed right now?')
        .withTarget(
          series(
            from('presence', {
              select: [{ expr: 'last(present)', as: 'present' }],
              where: atDesk,
              groupBy: ['desk'],
            }),
            'desk',
          ),
        )
        .timeFrom('now/d')
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
        .mappings(PRESENT)
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .noValue('Chưa có tin hôm nay / No report today')
        .span(24)
        .height(4),
    )
    .withPanel(
      new statetimeline.PanelBuilder()
        .title('Trạng thái từng quầy / Desk states')
        .description('Hôm nay mỗi quầy có người lúc nào, vắng lúc nào? — When was each desk staffed today?')
        .withTarget(
          series(
            from('presence', {
              select: [{ expr: 'last(present)', as: 'present' }],
              where: atDesk,
              groupBy: [{ time: 'auto' }, 'desk'],
              fill: 'previous',
            }),
            'desk',
          ),
        )
        .mappings(PRESENT)
        .showValue(common.VisibilityMode.Never)
        .mergeValues(true)
        .legend(
          new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List),
        )
        .span(24)
        .height(10),
    )
    .withPanel(
      new bargauge.PanelBuilder()
        .title('Có mặt hôm nay (phút) / Staffed today (minutes)')
        .description(
          'Hôm nay mỗi quầy có người bao nhiêu phút, kể từ báo cáo đầu tiên trong ngày? — How many minutes was each desk staffed today, since its first report?',
        )
        .withTarget(
          series(
            fromQuery(byMinute, { select: [{ expr: 'sum(present)', as: 'minutes' }], groupBy: ['desk'] }),
            'desk',
          ),
        )
        .timeFrom('now/d')
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
        .displayMode(common.BarGaugeDisplayMode.Basic)
        .orientation(common.VizOrientation.Horizontal)
        .unit('suffix: phút')
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Cảm biến trực tuyến / Sensors online')
        .description(
          'Cảm biến có mặt nào đang mất kết nối (khi đó trạng thái quầy là chưa rõ)? — Which presence sensors are offline (their desk’s state is then unknown)?',
        )
        .withTarget(
          series(
            from(
              'device',
              {
                select: [{ expr: 'last(online)', as: 'online' }],
                where: [{ tag: 'kind', is: 'presence-sensor' }],
                groupBy: ['device'],
              },
              'recent',
            ),
            'device',
          ),
        )
        .timeFrom('30d')
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
        .mappings(
          words({
            '1': { text: 'Trực tuyến / Online', color: 'green' },
            '0': { text: 'Mất kết nối / Offline', color: 'red' },
          }),
        )
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .span(12)
        .height(8),
    );
}
