/** What a backfill queued. */
export class BackfillResponse {
  /** The job's occurrences in the range. @example 24 */
  occurrences: number;
  /** Those queued as pending runs; the others already had a run and were left alone. @example 24 */
  queued: number;
}
