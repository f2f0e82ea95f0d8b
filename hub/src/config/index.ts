export {
  atLocalTime,
  isHoliday,
  isOfficeTime,
  type LocalTime,
  localTime,
  minutesOf,
  startOfLocalDay,
  type WallClock,
  wallClock,
} from './calendar.ts';
export { officerAt, officerOnDuty } from './duty.ts';
export { loadSiteConfig, parseSiteConfig } from './load.ts';
export {
  DEFAULT_LABELS,
  type Desk,
  type Holiday,
  isRealDate,
  type MqttLimits,
  type SiteConfig,
  WEEKDAYS,
  type Weekday,
} from './schema.ts';
