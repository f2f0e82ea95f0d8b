import type { Logger } from 'pino';
import type { Alerts } from '../alerts/index.ts';
import type { EventBus } from '../bus.ts';
import { type Desk, localTime, startOfLocalDay } from '../config/index.ts';
import type { DeviceRegistry } from '../devices/index.ts';
import type { IngestSteps, Outbox } from '../ingest/index.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import { type OfficeCalendar, previousDate } from './office-time.ts';
import {
  attendanceOn,
  type Change,
  type DayAttendance,
  type DeskState,
  emptySpells,
  stateAt,
} from './timeline.ts';

export type PresenceDeps = {
  site: string;
  db: Store;
  /** The store's group commit: what is cached beside the store is dropped when it rolls back. */
  commits: GroupCommit;
  outbox: Outbox;
  steps: IngestSteps;
  calendar: OfficeCalendar;
  desks: readonly Desk[];
  /** An absent desk raises an alert after this much office time (alerts.empty_desk_after_min). */
  emptyAfterMs: number;
  devices: DeviceRegistry;
  alerts: Alerts;
  bus: EventBus;
  log: Logger;
  officerAt: (desk: string, at: Date) => string | null;
  now: () => Date;
};

export type DeskNow = { desk: string; state: DeskState; since: string | null; sensors: SensorNow[] };
export type SensorNow = { device: string; online: boolean };

/** How often empty-desk alerts are brought up to date: well under a minute, the unit of the setting. */
const TICK_MS = 10_000;
/** After a restart, sensors get this long to reconnect before their desks count as unknown. */
const RECONNECT_GRACE_MS = 60_000;
/** Alerts are kept in step over this much history: a weekend plus a day. */
const ALERT_HORIZON_MS = 4 * 86_400_000;

const OWNER = 'presence';

/**
 * Desk presence (docs/presence.md): each desk's timeline of sensor reports, kept in event time so that a
 * sensor's queued reports land where they happened; the state now, attendance per day, and
 * empty-desk alerts, all computed from the timeline.
 */
export class Presence {
  readonly #deps: PresenceDeps;
  #timer: NodeJS.Timeout | undefined;
  #startedAtMs = 0;
  /**
   * Each desk's latest change, which answers `stateAt` for every rating pressed since: a query per
   * rating showed under load. Forgotten when a transaction that may have added one rolls back.
   */
  readonly #latest = new Map<string, Change>();
  /** The attendance figures last written per desk and date, and the day they are for. */
  readonly #attendanceWritten = new Map<string, string>();
  #attendanceDay: string | undefined;

  constructor(deps: PresenceDeps) {
    this.#deps = deps;
    deps.commits.onRollback(() => {
      this.#latest.clear();
      // The points of a tick rolled back are written again by the next (the same point overwrites itself).
      this.#attendanceWritten.clear();
      this.#attendanceDay = undefined;
    });
  }

  start(): void {
    const { bus } = this.#deps;
    this.#startedAtMs = this.#deps.now().getTime();
    // In the transaction that accepts the report (docs/protocol.md, delivery).
    this.#deps.steps.on('presence', OWNER, ({ device, body, time }) => {
      if (!device.desk) return;
      this.#insert(device.desk, device.id, time.getTime(), body.present ? 'present' : 'absent', 'report');
      this.#deps.outbox.add({
        measurement: 'presence',
        tags: { site: this.#deps.site, desk: device.desk, device: device.id },
        fields: { present: Number(body.present) },
        timeMs: time.getTime(),
      });
    });
    bus.on('event.accepted', OWNER, ({ device, event }) => {
      const desk = this.#deps.devices.get(device)?.desk;
      if (event.type === 'presence' && desk) this.#changed(desk);
    });
    bus.on('device.offline', OWNER, ({ device }) => this.#onSensorOffline(device));
    // In a batch, with its alerts and points: a commit of its own would wait for the disk on the event loop.
    this.#timer = setInterval(
      () => this.#deps.commits.later(() => this.tick(), 'the desks could not be brought up to date'),
      TICK_MS,
    );
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#deps.bus.removeOwner(OWNER);
    this.#deps.steps.removeOwner(OWNER);
  }

  /** A desk's state at a moment, e.g. when a rating was pressed. */
  stateAt(desk: string, atMs: number): DeskState {
    const latest = this.#latestChange(desk);
    if (atMs >= latest.timeMs) return latest.state;
    // Before the latest change (a queued press): the last change up to atMs, one indexed row.
    const last = statement(
      this.#deps.db,
      'SELECT state FROM presence_changes WHERE desk = ? AND time_ms <= ? ORDER BY time_ms DESC, id DESC LIMIT 1',
    ).get(desk, atMs) as { state: DeskState } | undefined;
    return last?.state ?? 'unknown';
  }

  /** Every desk now: its state, since when, and its sensors. */
  current(): DeskNow[] {
    const nowMs = this.#deps.now().getTime();
    const sensors = this.#sensorsByDesk();
    return this.#deps.desks.map((desk) => {
      const { state, sinceMs } = stateAt(this.#changes(desk.id, nowMs - ALERT_HORIZON_MS, nowMs), nowMs);
      return {
        desk: desk.id,
        state,
        since: sinceMs === null ? null : new Date(sinceMs).toISOString(),
        sensors: sensors.get(desk.id) ?? [],
      };
    });
  }

  /** Attendance of every desk on a local date (YYYY-MM-DD), up to now for today. */
  attendance(date: string): Array<{ desk: string } & DayAttendance> {
    const nowMs = this.#deps.now().getTime();
    const fromMs = Date.parse(`${date}T00:00:00Z`) - 86_400_000; // a day's margin either side of the zone
    return this.#deps.desks.map((desk) => ({
      desk: desk.id,
      ...attendanceOn(
        this.#changes(desk.id, fromMs, fromMs + 3 * 86_400_000),
        this.#deps.calendar,
        date,
        nowMs,
      ),
    }));
  }

  /**
   * Bring empty-desk alerts up to date, count desks whose sensors never came back as unknown, and
   * keep each desk's attendance of the day in InfluxDB.
   */
  tick(): void {
    const nowMs = this.#deps.now().getTime();
    if (nowMs - this.#startedAtMs >= RECONNECT_GRACE_MS) this.#markSilentDesks(nowMs);
    for (const desk of this.#deps.desks) this.#syncAlerts(desk.id, nowMs);
    this.#writeAttendance(nowMs);
  }

  /**
   * The `attendance` point of each desk for today (docs/influxdb.md): the same point, rewritten
   * whenever its minutes change, so Grafana shows the hub's own figures. On the first tick of a day
   * (or after a restart) yesterday's is written once more, whole.
   */
  #writeAttendance(nowMs: number): void {
    const { calendar, outbox, site } = this.#deps;
    const today = localTime(calendar.site.timezone, new Date(nowMs)).date;
    const dates = today === this.#attendanceDay ? [today] : [previousDate(today), today];
    if (today !== this.#attendanceDay) {
      this.#attendanceWritten.clear();
      this.#writeDayStart(today);
    }
    this.#attendanceDay = today;
    for (const date of dates) {
      const timeMs = startOfLocalDay(calendar.site.timezone, date).getTime();
      for (const { desk, office_min, staffed_min, absent_min, unknown_min } of this.attendance(date)) {
        const fields = { office_min, staffed_min, absent_min, unknown_min };
        const key = `${desk} ${date}`;
        const figures = JSON.stringify(fields);
        if (this.#attendanceWritten.get(key) === figures) continue;
        this.#attendanceWritten.set(key, figures);
        outbox.add({ measurement: 'attendance', tags: { site, desk }, fields, timeMs });
      }
    }
  }

  #changed(desk: string): void {
    this.#syncAlerts(desk, this.#deps.now().getTime());
    this.#deps.bus.emit('desk.changed', { desk });
  }

  #syncAlerts(desk: string, nowMs: number): void {
    const { alerts, calendar, emptyAfterMs, officerAt } = this.#deps;
    const changes = this.#changes(desk, nowMs - ALERT_HORIZON_MS, nowMs);
    let changed = false;
    for (const spell of emptySpells(changes, calendar, emptyAfterMs, nowMs)) {
      changed = alerts.emptyDesk(desk, officerAt(desk, new Date(spell.raisedAtMs)), spell) || changed;
    }
    if (changed) this.#deps.bus.emit('desk.changed', { desk });
  }

  /**
   * Each desk's state at the local midnight that starts `date`, as a `presence` point of the
   * sensor that last reported it: a sensor reports only changes, so without it a dashboard's day
   * would start blank until someone moved. A desk that was unknown gets none.
   */
  #writeDayStart(date: string): void {
    const { calendar, db, outbox, site } = this.#deps;
    const timeMs = startOfLocalDay(calendar.site.timezone, date).getTime();
    for (const desk of this.#deps.desks) {
      const last = statement(
        db,
        'SELECT device, state FROM presence_changes WHERE desk = ? AND time_ms < ? ORDER BY time_ms DESC, id DESC LIMIT 1',
      ).get(desk.id, timeMs) as { device: string; state: DeskState } | undefined;
      if (!last || last.state === 'unknown') continue;
      outbox.add({
        measurement: 'presence',
        tags: { site, desk: desk.id, device: last.device },
        fields: { present: Number(last.state === 'present') },
        timeMs,
      });
    }
  }

  /** A sensor went offline: its desk is unknown from now, unless another sensor there still sees it. */
  #onSensorOffline(id: string): void {
    const device = this.#deps.devices.get(id);
    if (device?.kind !== 'presence-sensor' || !device.desk) return;
    const others = this.#sensorsByDesk().get(device.desk) ?? [];
    if (others.some((sensor) => sensor.online)) return;
    this.#insert(device.desk, id, this.#deps.now().getTime(), 'unknown', 'offline');
    this.#changed(device.desk);
  }

  /**
   * A hub that stopped hard sent no will for its sensors. A desk whose sensors have not reconnected
   * since the hub started is unknown from the start: nothing tells what it has seen since.
   */
  #markSilentDesks(nowMs: number): void {
    for (const [desk, sensors] of this.#sensorsByDesk()) {
      if (sensors.some((sensor) => sensor.online)) continue;
      if (this.stateAt(desk, nowMs) === 'unknown') continue;
      this.#insert(desk, sensors[0]!.device, this.#startedAtMs, 'unknown', 'hub-restart');
      this.#deps.log.info(
        { desk },
        'presence sensor has not reconnected since the hub started; desk unknown',
      );
      this.#changed(desk);
    }
  }

  #sensorsByDesk(): Map<string, SensorNow[]> {
    const byDesk = new Map<string, SensorNow[]>();
    for (const device of this.#deps.devices.list()) {
      if (device.kind !== 'presence-sensor' || !device.desk || device.revokedAt) continue;
      byDesk.set(device.desk, [
        ...(byDesk.get(device.desk) ?? []),
        { device: device.id, online: device.online },
      ]);
    }
    return byDesk;
  }

  #insert(desk: string, device: string, timeMs: number, state: DeskState, cause: string): void {
    statement(
      this.#deps.db,
      'INSERT INTO presence_changes (desk, device, time_ms, state, cause) VALUES (?, ?, ?, ?, ?)',
    ).run(desk, device, timeMs, state, cause);
    // At the same time, the change stored last is the one that holds.
    const latest = this.#latest.get(desk);
    if (latest && timeMs >= latest.timeMs) this.#latest.set(desk, { timeMs, state });
  }

  #latestChange(desk: string): Change {
    let latest = this.#latest.get(desk);
    if (!latest) {
      const row = statement(
        this.#deps.db,
        'SELECT time_ms, state FROM presence_changes WHERE desk = ? ORDER BY time_ms DESC, id DESC LIMIT 1',
      ).get(desk) as { time_ms: number; state: DeskState } | undefined;
      // A desk no sensor ever reported on is unknown at every time.
      latest = row
        ? { timeMs: Number(row.time_ms), state: row.state }
        : { timeMs: -Infinity, state: 'unknown' };
      this.#latest.set(desk, latest);
    }
    return latest;
  }

  /** The desk's changes in [fromMs, toMs], with the last one before as the state they start from. */
  #changes(desk: string, fromMs: number, toMs: number): Change[] {
    const { db } = this.#deps;
    const before = statement(
      db,
      'SELECT time_ms, state FROM presence_changes WHERE desk = ? AND time_ms < ? ORDER BY time_ms DESC, id DESC LIMIT 1',
    ).all(desk, fromMs);
    const within = statement(
      db,
      'SELECT time_ms, state FROM presence_changes WHERE desk = ? AND time_ms >= ? AND time_ms <= ? ORDER BY time_ms, id',
    ).all(desk, fromMs, toMs);
    const rows = [...before, ...within] as Array<{ time_ms: number; state: DeskState }>;
    return rows.map((row) => ({ timeMs: Number(row.time_ms), state: row.state }));
  }
}
