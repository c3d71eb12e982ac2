import type { ScenarioResult } from './scenario';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The table of `npm run faults`, in Markdown (readable as it is in a terminal). */
export function resultsTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'expected', 'runs', 'duplicates', 'lost', 'stuck', 'worst lag', 'worst to success', 'pass'];
  const rows = results.map(({ name, counts, passed }) => [
    name,
    String(counts.expected),
    String(counts.runs),
    `${counts.duplicates} / ${counts.doubled}`,
    String(counts.lost),
    String(counts.stuck),
    seconds(counts.worstLagMs),
    seconds(counts.worstRecoveryMs),
    passed ? 'yes' : '**NO**',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Every check of every scenario, with what it found. */
export function checksList(results: ScenarioResult[]): string {
  return results
    .map(({ name, title, checks, counts, seconds: took }) =>
      [
        `**${name}**: ${title} (${took} s)`,
        ...checks.map((item) => `- ${item.ok ? 'ok' : '**FAILED**'}: ${item.what}: ${item.detail}`),
        `- slowest occurrence to succeed: ${counts.worstRecoveryHistory || 'none'}`,
      ].join('\n'),
    )
    .join('\n\n');
}

export function resultsMarkdown(results: ScenarioResult[], machine: string, totalSeconds: number): string {
  return `# Fault suite results

Produced by \`npm run faults\` (bench/faults/) on ${new Date().toISOString().slice(0, 10)}, ${machine}; the whole run took ${totalSeconds} s.

Columns: **expected** occurrences in the window (from the jobs' cron schedules), **runs** recorded for them
(every attempt), **duplicates** as "two rows for one (job, occurrence, attempt) / two succeeded runs for one
(job, occurrence)", **lost** occurrences without a succeeded run, **stuck** runs still running or pending
after settling, **worst lag** from an occurrence to the start of its first attempt, **worst to success** from an
occurrence to the start of the attempt that succeeded (a rescue waits for the lease to expire).

${resultsTable(results)}

## Checks

${checksList(results)}
`;
}
