export const ALERT_EVENTS = ['failed', 'recovered', 'missed'] as const;
export type AlertEventName = (typeof ALERT_EVENTS)[number];
export const DEFAULT_ALERT_EVENTS: AlertEventName[] = ['failed', 'recovered'];
export const ALERT_FORMATS = ['json', 'slack'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];
