/** What a bulk pause or resume changed. */
export class BulkChangeResponse {
  /** How many jobs changed; those already paused (or active) are left alone. @example 2 */
  changed: number;
  /** The jobs that changed. @example [3, 7] */
  jobIds: number[];
}
