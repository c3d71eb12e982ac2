import type { ApplyResponse as ApplyResult, JobResponse as Job, RunResponse as Run } from '../api-client/api-types';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The plan of an apply, one line per job: + created, ~ changed (with each field), - deleted. */
export function describeApply(result: ApplyResult): string {
  const lines = [
    ...result.created.map((name) => `+ ${name}`),
    ...result.changed.flatMap(({ name, changes }) => [
      `~ ${name}`,
      ...Object.entries(changes).map(([field, change]) => `    ${field}: ${show(change.from)} -> ${show(change.to)}`),
    ]),
    ...result.deleted.map((name) => `- ${name}`),
  ];
  const [create, change, remove] = result.dryRun ? ['to create', 'to change', 'to delete'] : ['created', 'changed', 'deleted'];
  const counts = `${result.created.length} ${create}, ${result.changed.length} ${change}, ${result.deleted.length} ${remove}, ${result.unchanged.length} unchanged`;
  return [...lines, `${result.dryRun ? 'dry run' : 'applied'}: ${counts}`].join('\n');
}

/** Rows of text in aligned columns. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

export function describeJobs(jobs: Job[]): string {
  return table(
    ['ID', 'NAME', 'SCHEDULE', 'TIMEZONE', 'ACTIVE', 'NEXT RUN', 'LAST STATUS', 'TAGS'],
    jobs.map((job) => [String(job.id), job.name, job.schedule ?? `once at ${job.runAt}`, job.timezone, job.isActive ? 'yes' : 'no', job.nextRun ?? '-', job.lastStatus ?? '-', job.tags.join(',')]),
  );
}

export function describeRuns(runs: Run[]): string {
  return table(
    ['ID', 'SCHEDULED FOR', 'ATTEMPT', 'STATUS', 'DURATION', 'ERROR'],
    runs.map((run) => [
      String(run.id),
      run.scheduledFor,
      String(run.attempt),
      run.status,
      run.durationMs === null ? '-' : `${run.durationMs} ms`,
      (run.error ?? '').split('\n', 1)[0].slice(0, 80),
    ]),
  );
}
