import { ALERT_EVENTS, ALERT_FORMATS } from '../alert-kinds';

/** A webhook ({ url, format }) or an e-mail address ({ email }). */
export class AlertTargetResponse {
  /** @example "https://hooks.example.com/scheduler" */
  url?: string;
  format?: (typeof ALERT_FORMATS)[number];
  /** @example "ops@example.com" */
  email?: string;
}

export class NotifyResponse {
  targets: AlertTargetResponse[];
  /** @example ["failed", "recovered"] */
  events: (typeof ALERT_EVENTS)[number][];
  /** @example 1 */
  afterConsecutiveFailures: number;
}
