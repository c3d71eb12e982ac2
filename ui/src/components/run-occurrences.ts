import type { Run } from '../types';

export interface Occurrence {
  scheduledFor: string;
  /** Its attempts on this page, first attempt first. */
  attempts: Run[];
}

/**
 * The runs of one page grouped by the occurrence they belong to (their `scheduledFor`), newest
 * occurrence first. Newest first by id, the attempts of one occurrence need not be neighbours: a
 * retry can start after the next occurrence's first attempt.
 */
export function groupByOccurrence(runs: readonly Run[]): Occurrence[] {
  const byOccurrence = new Map<string, Run[]>();
  for (const run of runs) byOccurrence.set(run.scheduledFor, [...(byOccurrence.get(run.scheduledFor) ?? []), run]);
  return [...byOccurrence]
    .map(([scheduledFor, attempts]) => ({ scheduledFor, attempts: attempts.sort((a, b) => a.attempt - b.attempt) }))
    .sort((a, b) => Date.parse(b.scheduledFor) - Date.parse(a.scheduledFor));
}

/** How late a run started: its start minus its scheduled time; null until it starts. */
export function lagMs(run: Run): number | null {
  return run.startedAt === null ? null : Date.parse(run.startedAt) - Date.parse(run.scheduledFor);
}
