import type { ScenarioResult } from './scenario';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The table of `npm run faults`, in Markdown (readable as it is in a terminal). */
export function resultsTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'execution', 'expected', 'runs', 'duplicates', 'lost', 'stuck', 'worst lag', 'worst to success', 'fault to first success', 'pass'];
  const rows = results.map(({ name, execution, counts, recoveryMs, passed }) => [
    name,
    execution,
    String(counts.expected),
    String(counts.runs),
    `${counts.duplicates} / ${counts.doubled}`,
    String(counts.lost),
    String(counts.stuck),
    seconds(counts.worstLagMs),
    seconds(counts.worstRecoveryMs),
    recoveryMs === undefined ? '-' : seconds(recoveryMs),
    passed ? 'yes' : '**NO**',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Every check of every scenario, with what it found. */
export function checksList(results: ScenarioResult[]): string {
  return results
    .map(({ name, execution, title, checks, counts, seconds: took }) =>
      [
        `**${name}**, ${execution}: ${title} (${took} s)`,
        ...checks.map((item) => `- ${item.ok ? 'ok' : '**FAILED**'}: ${item.what}: ${item.detail}`),
        `- slowest occurrence to succeed: ${counts.worstRecoveryHistory || 'none'}`,
      ].join('\n'),
    )
    .join('\n\n');
}

export interface RunInfo {
  machine: string;
  totalSeconds: number;
  mode: 'full' | 'short';
  notes: string[];
}

export function resultsMarkdown(results: ScenarioResult[], { machine, totalSeconds, mode, notes }: RunInfo): string {
  const command = mode === 'full' ? '`npm run faults`' : '`npm run faults -- --short` (the short versions of `npm test`)';
  return `# Fault suite results

Produced by ${command} (bench/faults/) on ${new Date().toISOString().slice(0, 10)}, ${machine}; the whole run took ${totalSeconds} s.
${notes.map((note) => `\n${note}\n`).join('')}
Columns: **expected** occurrences in the window (from the jobs' cron schedules), **runs** recorded for them
(every attempt), **duplicates** as "two rows for one (job, occurrence, attempt) / two succeeded runs for one
(job, occurrence)", **lost** occurrences without a succeeded run, **stuck** runs still running or pending
after settling, **worst lag** from an occurrence to the start of its first attempt, **worst to success** from an
occurrence to the start of the attempt that succeeded (a rescue waits for the lease to expire), **fault to
first success** from the fault (the leader's switchover or kill) to the end of the first run that succeeded after it.

${resultsTable(results)}

## Checks

${checksList(results)}
`;
}
