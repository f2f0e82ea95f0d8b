import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { from } from '../../hub/src/influx/influxql.ts';
import { counted, index, RATIO_766, ranking, SHARE_SATISFIED, totals } from '../../hub/src/ratings/index.ts';
import {
  bigNumber,
  InfluxTarget,
  named,
  ourDashboard,
  satisfactionThresholds,
  series,
  table as tableTarget,
  tagVariable,
  UNIT_RATINGS,
  words,
} from './common.ts';

/** The leaders' overview (Tổng quan): how satisfied citizens are, where, with whom, and why not. */

/** The desks and officials the leader picked (all unless narrowed). */
const picked = [
  { tag: 'desk', matches: '$desk' },
  { tag: 'officer', matches: '$officer' },
] as const;

const REASONS = {
  attitude: 'Thái độ / Attitude',
  waiting: 'Chờ lâu / Waiting',
  paperwork: 'Giấy tờ phức tạp / Paperwork',
  trips: 'Đi lại nhiều lần / Trips',
  other: 'Khác / Other',
};

const RANKING_COLUMNS = {
  rated: 'Lượt đánh giá / Rated',
  satisfied: 'Hài lòng / Satisfied',
  share_satisfied: 'Tỷ lệ hài lòng / Share satisfied',
  ranking_score: 'Điểm xếp hạng / Ranking score',
};

/** A share of ratings, red under 80%, amber under 90%, green above. */
function share(title: string, question: string, column: 'share_satisfied' | 'satisfaction_ratio') {
  return bigNumber(title, question, totals(picked), column, 'percentunit')
    .thresholds(satisfactionThresholds())
    .colorMode(common.BigValueColorMode.Background)
    .span(6)
    .height(5);
}

function rankingTable(by: 'desk' | 'officer', title: string, question: string) {
  const panel = new table.PanelBuilder()
    .title(title)
    .description(question)
    .withTarget(tableTarget(ranking(by, picked)))
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(RANKING_COLUMNS.ranking_score).desc(true)])
    .overrideByName('share_satisfied', [{ id: 'unit', value: 'percentunit' }])
    .overrideByName('ranking_score', [{ id: 'unit', value: 'percentunit' }])
    .overrideByName('Time', [{ id: 'custom.hidden', value: true }])
    .span(12)
    .height(9);
  return named(panel, {
    [by]: by === 'desk' ? 'Quầy / Desk' : 'Công chức / Official',
    ...RANKING_COLUMNS,
  });
}

export function tongQuan(): dashboard.DashboardBuilder {
  const totalsOfPicked = totals(picked);
  return ourDashboard(
    'thanthien-tong-quan',
    'Tổng quan — Mức độ hài lòng / Overview',
    'Mức độ hài lòng của người dân tại Bộ phận một cửa — citizens’ satisfaction at the one-stop counter',
  )
    .time({ from: 'now/M', to: 'now' })
    .refresh('1m')
    .withVariable(tagVariable('desk', 'Quầy / Desk', 'rating', 'desk'))
    .withVariable(tagVariable('officer', 'Công chức / Official', 'rating', 'officer'))
    .withRow(new dashboard.RowBuilder('Lượt đánh giá / Ratings'))
    .withPanel(
      bigNumber(
        'Hôm nay / Today',
        'Hôm nay người dân đã đánh giá bao nhiêu lượt? — How many ratings today?',
        totalsOfPicked,
        'rated',
        UNIT_RATINGS,
      )
        .timeFrom('now/d')
        .span(4)
        .height(4),
    )
    .withPanel(
      bigNumber(
        'Tuần này / This week',
        'Tuần này (từ thứ Hai) có bao nhiêu lượt đánh giá? — How many ratings this week, from Monday?',
        totalsOfPicked,
        'rated',
        UNIT_RATINGS,
      )
        .timeFrom('now/w')
        .span(4)
        .height(4),
    )
    .withPanel(
      bigNumber(
        'Tháng này / This month',
        'Tháng này có bao nhiêu lượt đánh giá? — How many ratings this month?',
        totalsOfPicked,
        'rated',
        UNIT_RATINGS,
      )
        .timeFrom('now/M')
        .span(4)
        .height(4),
    )
    .withRow(
      new dashboard.RowBuilder('Chỉ số trong khoảng thời gian đã chọn / Indicators over the chosen period'),
    )
    .withPanel(
      share(
        'Tỷ lệ hài lòng / Share satisfied',
        'Trong số lượt đánh giá, bao nhiêu phần là hài lòng? — What share of ratings are satisfied?',
        'share_satisfied',
      ),
    )
    .withPanel(
      bigNumber(
        'Chỉ số hài lòng (0–100) / Satisfaction index',
        'Điểm trung bình quy về thang 0–100 là bao nhiêu? — The mean grade on a 0–100 scale?',
        index(picked),
        'index',
        'none',
      )
        .decimals(1)
        .span(6)
        .height(5),
    )
    .withPanel(
      share(
        'Tỷ lệ theo Quyết định 766 / Ratio of Decision 766',
        'Tỷ lệ (số lượt − số không hài lòng) / số lượt theo Quyết định 766/QĐ-TTg? — (rated − unsatisfied) / rated, as Decision 766/QĐ-TTg counts it?',
        'satisfaction_ratio',
      ),
    )
    .withPanel(
      bigNumber(
        'Không hài lòng / Unsatisfied',
        'Bao nhiêu lượt người dân không hài lòng? — How many ratings were unsatisfied?',
        totalsOfPicked,
        'unsatisfied',
        UNIT_RATINGS,
      )
        .span(6)
        .height(5),
    )
    .withRow(new dashboard.RowBuilder('Ở đâu, với ai / Where and with whom'))
    .withPanel(
      named(
        new table.PanelBuilder()
          .title('Đánh giá không hài lòng / Unsatisfied ratings')
          .description(
            'Người dân không hài lòng lúc nào, ở quầy nào, với công chức nào? (100 lượt gần nhất) — When, at which desk and with which official was a citizen unsatisfied? (latest 100)',
          )
          .withTarget(
            tableTarget(
              from('rating', {
                select: [
                  { expr: 'desk', as: 'desk' },
                  { expr: 'officer', as: 'officer' },
                  { expr: 'score', as: 'score' },
                ],
                where: [...counted(picked), { field: 'unsatisfied', is: 1 }],
                newestFirst: true,
                limit: 100,
              }),
            ),
          )
          .span(12)
          .height(9),
        {
          Time: 'Thời gian / Time',
          desk: 'Quầy / Desk',
          officer: 'Công chức / Official',
          score: 'Mức / Grade',
        },
      ),
    )
    .withPanel(
      new barchart.PanelBuilder()
        .title('Lý do không hài lòng / Reasons')
        .description('Người dân không hài lòng vì điều gì? — Why were citizens unsatisfied?')
        .withTarget(
          tableTarget(
            from('rating_reason', {
              select: [{ expr: 'count(ref)', as: 'ratings' }],
              where: picked,
              groupBy: ['reason'],
            }),
          ),
        )
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
        .xField('reason')
        .mappings(words(REASONS))
        .orientation(common.VizOrientation.Horizontal)
        .showValue(common.VisibilityMode.Always)
        .unit(UNIT_RATINGS)
        .legend(new common.VizLegendOptionsBuilder().showLegend(false))
        .span(12)
        .height(9),
    )
    .withPanel(
      rankingTable(
        'desk',
        'Xếp hạng quầy / Desks ranked',
        'Quầy nào làm người dân hài lòng nhất, khi đã tính đến số lượt ít? — Which desks satisfy citizens most, allowing for few ratings?',
      ),
    )
    .withPanel(
      rankingTable(
        'officer',
        'Xếp hạng công chức / Officials ranked',
        'Công chức nào được người dân hài lòng nhất, khi đã tính đến số lượt ít? — Which officials satisfy citizens most, allowing for few ratings?',
      ),
    )
    .withRow(new dashboard.RowBuilder('Xu hướng / Trends'))
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Tỷ lệ hài lòng theo ngày / Share satisfied by day')
        .description('Mức hài lòng đang tăng hay giảm? — Is satisfaction rising or falling?')
        .withTarget(
          new InfluxTarget(
            'A',
            from('rating', {
              select: [
                { expr: SHARE_SATISFIED, as: 'share_satisfied' },
                { expr: RATIO_766, as: 'satisfaction_ratio' },
              ],
              where: counted(picked),
              groupBy: [{ time: '1d', offset: '-7h' }],
              fill: 'none',
            }),
            'time_series',
          ),
        )
        .overrideByName('rating.share_satisfied', [
          { id: 'displayName', value: 'Tỷ lệ hài lòng / Share satisfied' },
        ])
        .overrideByName('rating.satisfaction_ratio', [
          { id: 'displayName', value: 'Tỷ lệ QĐ 766 / 766 ratio' },
        ])
        .unit('percentunit')
        .min(0)
        .max(1)
        .legend(
          new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Lượt đánh giá theo ngày và quầy / Ratings by day and desk')
        .description(
          'Mỗi ngày mỗi quầy nhận bao nhiêu lượt đánh giá? — How many ratings does each desk get a day?',
        )
        .withTarget(
          series(
            from('rating', {
              select: [{ expr: 'count(score)', as: 'rated' }],
              where: counted(picked),
              groupBy: [{ time: '1d', offset: '-7h' }, 'desk'],
              fill: 'none',
            }),
            'desk',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(80)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .unit(UNIT_RATINGS)
        .legend(
          new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List),
        )
        .span(12)
        .height(8),
    );
}
