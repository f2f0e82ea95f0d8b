export {
  ALERT_STATES,
  type Alert,
  type AlertPolicy,
  type AlertState,
  Alerts,
  type CountedRating,
  type EmptyDeskSpell,
} from './alerts.ts';
