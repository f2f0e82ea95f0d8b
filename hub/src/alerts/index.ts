export {
  ALERT_KINDS,
  ALERT_STATES,
  type Alert,
  type AlertAction,
  type AlertFilter,
  type AlertKind,
  type AlertPage,
  type AlertPolicy,
  type AlertState,
  Alerts,
  type CountedRating,
  type EmptyDeskSpell,
} from './alerts.ts';
