import { duration, localTime } from '../format';
import type { RecentRuns } from '../types';
import { FAILURES, statusLabel } from './StatusBadge';

const MIN_HEIGHT = 25;

/**
 * A job's latest runs as a row of bars, oldest on the left: the colour (and, for readers of the
 * accessible name, the count) says how each ended, the height how long it took next to the others.
 */
export function RunStrip({ runs }: { runs: RecentRuns['runs'] }) {
  if (runs.length === 0) return <span class="muted small">no runs</span>;
  const longest = Math.max(1, ...runs.map((run) => run.durationMs ?? 0));
  const failures = runs.filter((run) => FAILURES.includes(run.status)).length;
  const summary = `Last ${runs.length} runs: ${failures === 0 ? 'no failure' : `${failures} failed`}`;
  return (
    <span class="run-strip" role="img" aria-label={summary} title={summary}>
      {[...runs].reverse().map((run) => {
        const height = MIN_HEIGHT + ((100 - MIN_HEIGHT) * (run.durationMs ?? 0)) / longest;
        return (
          <span
            class={`run-strip-bar run-strip-bar--${run.status}`}
            data-status={run.status}
            style={{ height: `${height}%` }}
            title={`${statusLabel(run.status)} · ${duration(run.durationMs)} · ${localTime(run.scheduledFor, { seconds: true })}`}
            key={run.id}
          />
        );
      })}
    </span>
  );
}
