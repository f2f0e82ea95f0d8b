import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

import { type Field, from, fromQuery } from '../../hub/src/influx/influxql.ts';
import { named, ONLINE, ourDashboard, series, table as tableTarget } from './common.ts';

/** Devices and hub (Thiết bị): for the technician, and for a leader who wonders why a desk is silent. */

/** Telemetry lives 90 days in the `recent` policy (docs/influxdb.md); a device is looked up over 30. */
const LOOK_BACK = '30d';

const lastOnline = from(
  'device',
  { select: [{ expr: 'last(online)', as: 'online' }], groupBy: ['device', 'kind'] },
  'recent',
);

type PanelBuilder = timeseries.PanelBuilder;
type PanelText = { title: string; question: string; unit: string };
/**
 * A field over time, a line per device (telemetry) or one for the hub (its own health): Grafana's
 * interval, at best a minute, as the points come.
 */
function overTime(
  measurement: 'device',
  field: Field<'device'>,
  fn: 'mean' | 'max',
  panel: PanelText,
): PanelBuilder;
function overTime(
  measurement: 'hub',
  field: Field<'hub'>,
  fn: 'mean' | 'max',
  panel: PanelText,
): PanelBuilder;
function overTime(measurement: 'device' | 'hub', field: string, fn: 'mean' | 'max', panel: PanelText) {
  const by = measurement === 'device' ? 'device' : 'site';
  return new timeseries.PanelBuilder()
    .title(panel.title)
    .description(panel.question)
    .withTarget(
      series(
        // The overloads above hold the field to its measurement; `device` stands for both here.
        from(
          measurement as 'device',
          {
            select: [{ expr: `${fn}(${field as Field<'device'>})`, as: field }],
            groupBy: [{ time: 'auto' }, by],
            fill: 'none',
          },
          'recent',
        ),
        by,
      ),
    )
    .unit(panel.unit)
    .spanNulls(true)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(measurement === 'device')
        .displayMode(common.LegendDisplayMode.List),
    )
    .span(measurement === 'device' ? 8 : 6)
    .height(measurement === 'device' ? 8 : 7);
}

export function thietBi(): dashboard.DashboardBuilder {
  return ourDashboard(
    'thanthien-thiet-bi',
    'Thiết bị và trạm / Devices and hub',
    'Thiết bị nào đang trực tuyến, pin, sóng, hàng đợi; sức khỏe của trạm — devices online, battery, signal, queues; the hub’s health',
  )
    .time({ from: 'now-24h', to: 'now' })
    .refresh('30s')
    .withPanel(
      new stat.PanelBuilder()
        .title('Thiết bị trực tuyến / Devices online')
        .description(
          'Bao nhiêu thiết bị đang kết nối, trên tổng số? — How many devices are connected, of all?',
        )
        .withTarget(
          tableTarget(
            fromQuery(lastOnline, {
              select: [
                { expr: 'sum(online)', as: 'online' },
                { expr: 'count(online)', as: 'devices' },
              ],
            }),
          ),
        )
        .timeFrom(LOOK_BACK)
        .reduceOptions(
          new common.ReduceDataOptionsBuilder()
            .values(false)
            .calcs(['lastNotNull'])
            .fields('/^(online|devices)$/'),
        )
        .overrideByName('online', [{ id: 'displayName', value: 'Trực tuyến / Online' }])
        .overrideByName('devices', [{ id: 'displayName', value: 'Tổng số / All' }])
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .span(6)
        .height(6),
    )
    .withPanel(
      named(
        new table.PanelBuilder()
          .title('Kết nối của từng thiết bị / Each device’s connection')
          .description('Thiết bị nào mất kết nối, từ lúc nào? — Which devices are offline, and since when?')
          .withTarget(tableTarget(lastOnline))
          .timeFrom(LOOK_BACK)
          .mappings(ONLINE())
          .overrideByName('online', [{ id: 'custom.cellOptions', value: { type: 'color-background' } }])
          .sortBy([new common.TableSortByFieldStateBuilder().displayName('Trạng thái / State')])
          .span(9)
          .height(6),
        {
          Time: 'Từ lúc / Since',
          device: 'Thiết bị / Device',
          kind: 'Loại / Kind',
          online: 'Trạng thái / State',
        },
      ),
    )
    .withPanel(
      named(
        new table.PanelBuilder()
          .title('Lần cuối gửi tin / Last heard')
          .description(
            'Mỗi thiết bị gửi tin đo lần cuối lúc nào, đã chạy bao lâu? — When did each device last send telemetry, and how long has it been running?',
          )
          .withTarget(
            tableTarget(
              from(
                'device',
                { select: [{ expr: 'last(uptime_s)', as: 'uptime_s' }], groupBy: ['device'] },
                'recent',
              ),
            ),
          )
          .timeFrom(LOOK_BACK)
          .overrideByName('uptime_s', [{ id: 'unit', value: 's' }])
          .span(9)
          .height(6),
        { Time: 'Lần cuối / Last heard', device: 'Thiết bị / Device', uptime_s: 'Đã chạy / Up for' },
      ),
    )
    .withPanel(
      overTime('device', 'battery_mv', 'mean', {
        title: 'Pin / Battery',
        question: 'Pin của thiết bị nào sắp hết? — Whose battery is running low?',
        unit: 'mvolt',
      }),
    )
    .withPanel(
      overTime('device', 'rssi_dbm', 'mean', {
        title: 'Sóng Wi-Fi / Wi-Fi signal',
        question:
          'Thiết bị nào có sóng Wi-Fi yếu (dưới −75 dBm)? — Which devices have a weak Wi-Fi signal (below −75 dBm)?',
        unit: 'dBm',
      }),
    )
    .withPanel(
      overTime('device', 'queue_len', 'max', {
        title: 'Hàng đợi trên thiết bị / Queued on devices',
        question:
          'Thiết bị nào đang giữ sự kiện chưa gửi được? — Which devices hold events they could not send yet?',
        unit: 'none',
      }),
    )
    .withPanel(
      overTime('hub', 'outbox_backlog', 'max', {
        title: 'Tồn đọng chờ ghi InfluxDB / Outbox backlog',
        question:
          'Trạm còn bao nhiêu điểm chưa ghi được vào InfluxDB? — How many points wait in the hub for InfluxDB?',
        unit: 'none',
      }),
    )
    .withPanel(
      overTime('hub', 'events_per_s', 'mean', {
        title: 'Sự kiện mỗi giây / Events per second',
        question: 'Trạm nhận bao nhiêu sự kiện mỗi giây? — How many events a second does the hub take in?',
        unit: 'none',
      }),
    )
    .withPanel(
      overTime('hub', 'rejected', 'max', {
        title: 'Tin bị từ chối / Rejected messages',
        question:
          'Trạm đã từ chối bao nhiêu tin sai hoặc không được phép (từ khi khởi động)? — How many bad or unauthorised messages has the hub refused since it started?',
        unit: 'none',
      }),
    )
    .withPanel(
      overTime('hub', 'rss_mb', 'max', {
        title: 'Bộ nhớ của trạm / Hub memory (RSS)',
        question: 'Trạm đang dùng bao nhiêu bộ nhớ? — How much memory does the hub use?',
        unit: 'mbytes',
      }),
    );
}
