import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { from } from '../../hub/src/influx/influxql.ts';
import { named, ONLINE, ourDashboard, series, table as tableTarget, tagVariable, words } from './common.ts';

/** Live desks (Bàn làm việc trực tiếp): who is at which desk now, and how long today. */

const atDesk = [{ tag: 'desk', matches: '$desk' }] as const;
const PRESENT = words({
  '1': { text: 'Có mặt / Present', color: 'green' },
  '0': { text: 'Vắng / Away', color: 'red' },
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
      named(
        new table.PanelBuilder()
          .title('Chấm công hôm nay / Attendance today')
          .description(
            'Trong giờ làm việc hôm nay, mỗi quầy có người bao nhiêu phút, vắng bao nhiêu (như trong ứng dụng của trạm)? — In today’s office hours, how many minutes was each desk staffed or empty (as the hub’s web app counts)?',
          )
          .withTarget(
            tableTarget(
              from('attendance', {
                select: [
                  { expr: 'last(office_min)', as: 'office_min' },
                  { expr: 'last(staffed_min)', as: 'staffed_min' },
                  { expr: 'last(absent_min)', as: 'absent_min' },
                  { expr: 'last(unknown_min)', as: 'unknown_min' },
                ],
                where: atDesk,
                groupBy: ['desk'],
              }),
            ),
          )
          .timeFrom('now/d')
          .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
          .unit('suffix: phút')
          .overrideByName('staffed_min', [
            { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
          ])
          .span(12)
          .height(8),
        {
          desk: 'Quầy / Desk',
          office_min: 'Giờ làm việc / Office time',
          staffed_min: 'Có người / Staffed',
          absent_min: 'Vắng / Empty',
          unknown_min: 'Chưa rõ / Unknown',
        },
      ),
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
        .mappings(ONLINE())
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .span(12)
        .height(8),
    );
}
