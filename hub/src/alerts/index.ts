export {
  ALERT_STATES,
  type Alert,
  type AlertPolicy,
  type AlertState,
  Alerts,
  type CountedRating,
} from './alerts.ts';
