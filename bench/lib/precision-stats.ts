import { percentile } from './stats';

/** The precision suite's figures of one sample of lags (ms): how many, and where its tail lies. */
export interface LagFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function lagFigures(lagsMs: number[]): LagFigures {
  const sorted = Float64Array.from(lagsMs.filter((lag) => Number.isFinite(lag))).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/** The first multiple of `stepMs` (epoch) at least `leadMs` after `nowMs`: an instant every schedule of the window shares. */
export function alignedInstant(nowMs: number, stepMs: number, leadMs: number): number {
  return Math.ceil((nowMs + leadMs) / stepMs) * stepMs;
}

/**
 * Transactions per minute per instance, from two readings of a database's transaction counter over
 * `seconds`: `own` is how many of them the reader itself committed in between (its first reading).
 */
export function transactionsPerMinute(before: number, after: number, own: number, seconds: number, instances: number): number {
  return (Math.max(0, after - before - own) * 60) / seconds / instances;
}

export interface Target {
  /** The figure must stay at or below this... */
  atMost?: number;
  /** ...or reach at least this. */
  atLeast?: number;
}

export function verdict(value: number, target: Target): 'met' | 'missed' | 'not measured' {
  if (!Number.isFinite(value)) return 'not measured';
  if (target.atMost !== undefined && value > target.atMost) return 'missed';
  if (target.atLeast !== undefined && value < target.atLeast) return 'missed';
  return 'met';
}

/** A six-field schedule that occurs at `at` (UTC, whole second) once a year: a job created to be due then. */
export function onceAtSchedule(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}
