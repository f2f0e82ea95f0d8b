export {
  type Interval,
  nextDate,
  type OfficeCalendar,
  officeIntervals,
  officeSessions,
} from './office-time.ts';
export { type DeskNow, Presence, type PresenceDeps, type SensorNow } from './presence.ts';
export {
  attendanceOn,
  type Change,
  type DayAttendance,
  DESK_STATES,
  type DeskState,
  type EmptySpell,
  emptySpells,
  runsOf,
  stateAt,
} from './timeline.ts';
