/** The maintenance switch: while paused, no instance starts anything (scheduled runs, retries, runs now). */
export class SchedulerStateResponse {
  /** @example false */
  paused: boolean;
  /** When the switch last changed (ISO-8601 UTC); null when it never has. */
  changedAt: Date | null;
  /** Who changed it last, as the audit log names them; null when it never changed. @example "on-call" */
  changedBy: string | null;
}
