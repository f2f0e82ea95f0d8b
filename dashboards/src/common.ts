import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import {
  influxql,
  type Measurement,
  type Query,
  type Tag,
  tagValues,
} from '../../hub/src/influx/influxql.ts';

/** The InfluxDB data source as provisioning creates it (provisioning/grafana/datasources). */
export const DATASOURCE = { type: 'influxdb', uid: 'thanthien-influxdb' } as const;

export const TIMEZONE = 'Asia/Ho_Chi_Minh';
/** Every dashboard of ours carries this tag: the links between them find each other by it. */
export const TAG = 'thanthien';

/**
 * A raw InfluxQL target. The SDK has no InfluxDB query builder; this one renders our typed
 * queries (hub/src/influx/influxql.ts) with Grafana's macros.
 */
export class InfluxTarget implements cog.Builder<cog.Dataquery> {
  readonly #target: Record<string, unknown>;

  constructor(refId: string, query: Query<string, string>, format: 'table' | 'time_series', alias?: string) {
    this.#target = {
      refId,
      datasource: DATASOURCE,
      rawQuery: true,
      query: influxql(query, 'grafana'),
      resultFormat: format,
      ...(alias ? { alias } : {}),
    };
  }

  build(): cog.Dataquery {
    return { ...this.#target, _implementsDataqueryVariant() {} } as cog.Dataquery;
  }
}

/** A series per value of `tag`, named by it: for time series and state timelines. */
export const series = (query: Query<string, string>, tag: string, refId = 'A') =>
  new InfluxTarget(refId, query, 'time_series', `$tag_${tag}`);
export const table = (query: Query<string, string>, refId = 'A') => new InfluxTarget(refId, query, 'table');

/**
 * A template variable over a tag's values, several at once or all: queries narrow with
 * `{ tag, matches: '$name' }`.
 */
export function tagVariable<M extends Measurement>(name: string, label: string, measurement: M, tag: Tag<M>) {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(tagValues(measurement, tag))
    .definition(tagValues(measurement, tag))
    .multi(true)
    .includeAll(true)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.NaturalAsc)
    .current({ text: 'All', value: '$__all' });
}

/** The hub's own web page, for the links from every dashboard (change it where the hub lives elsewhere). */
export const hubVariable = () =>
  new dashboard.ConstantVariableBuilder('hub')
    .label('Trạm / Hub')
    .description('Địa chỉ trang web của trạm — the hub’s web address')
    .value('http://thanthien.local:8080');

/**
 * Links on every dashboard: the others of ours, and the hub's live board and web app.
 * `${hub}` is Grafana's variable, filled in by Grafana, not by JavaScript.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's syntax for its variable
const HUB = '${hub}';

export const links = () => [
  new dashboard.DashboardLinkBuilder('Bảng điều khiển Thân Thiện / Dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([TAG])
    .asDropdown(false)
    .includeVars(false)
    .keepTime(true),
  new dashboard.DashboardLinkBuilder('Bảng trực tiếp của trạm / Hub board')
    .type(dashboard.DashboardLinkType.Link)
    .icon('external link')
    .url(`${HUB}/board`)
    .targetBlank(true),
  new dashboard.DashboardLinkBuilder('Ứng dụng của trạm / Hub app')
    .type(dashboard.DashboardLinkType.Link)
    .icon('external link')
    .url(`${HUB}/app`)
    .targetBlank(true),
];

/** A dashboard of ours: Vietnamese title, the site's time zone, the week from Monday, links. */
export function ourDashboard(uid: string, title: string, description: string) {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([TAG])
    .timezone(TIMEZONE)
    .weekStart('monday')
    .readonly()
    .links(links())
    .withVariable(hubVariable());
}

/** Value → Vietnamese text (and colour), for tags and states. */
export function words(
  map: Record<string, string | { text: string; color: string }>,
): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(
        Object.entries(map).map(([value, to], index) => [
          value,
          typeof to === 'string' ? { text: to, index } : { ...to, index },
        ]),
      ),
    },
  ];
}

/** A device's connection: `online` 1 or 0. */
export const ONLINE = () =>
  words({
    '1': { text: 'Trực tuyến / Online', color: 'green' },
    '0': { text: 'Mất kết nối / Offline', color: 'red' },
  });

/** Counts of people's presses: "lượt" (times). */
export const UNIT_RATINGS = 'suffix: lượt';

/** A big number: one column of a query (checked against the query's columns), its latest value. */
export function bigNumber<A extends string>(
  title: string,
  question: string,
  query: Query<A, string>,
  column: NoInfer<A>,
  unit: string,
) {
  return new stat.PanelBuilder()
    .title(title)
    .description(question)
    .withTarget(table(query))
    .reduceOptions(
      new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields(`/^${column}$/`),
    )
    .graphMode(common.BigValueGraphMode.None)
    .unit(unit);
}

/** Columns of a table shown under Vietnamese names (with English), in the order given. */
export function named<
  P extends { overrideByName: (name: string, properties: dashboard.DynamicConfigValue[]) => P },
>(panel: P, columns: Record<string, string>): P {
  for (const [column, label] of Object.entries(columns))
    panel.overrideByName(column, [{ id: 'displayName', value: label }]);
  return panel;
}

/** Share thresholds for satisfaction: red under 80%, amber under 90%, green from 90%. */
export const satisfactionThresholds = () =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null, color: 'red' },
    { value: 0.8, color: 'orange' },
    { value: 0.9, color: 'green' },
  ]);
