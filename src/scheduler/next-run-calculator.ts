import { Injectable } from '@nestjs/common';
import { compileSchedule, usesHash } from '../schedules/cron-schedule';
import type { Occurrences } from '../schedules/jittered-schedule';

const MAX_SCHEDULES = 5_000;
const MAX_ANSWERS = 20_000;

/** Drops the oldest entry of a Map used as a bounded cache. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V, max: number): V {
  if (cache.size >= max) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}

/**
 * Next occurrences for the claim path, from the same engine as the preview (CronSchedule). Many
 * jobs share an expression and time zone and fall due together, so both the parsed schedules and
 * the answers are cached; an answer depends on nothing but its key, so the cache cannot change it.
 * The seed is part of the key only for an expression with `H` or a jitter: keyed by job id, the 10,000 jobs
 * of a claim storm on one schedule were 10,000 computations, seconds of the event loop.
 */
@Injectable()
export class NextRunCalculator {
  private readonly schedules = new Map<string, Occurrences>();
  private readonly answers = new Map<string, Date | null>();
  private readonly hashed = new Map<string, boolean>();

  /**
   * The first occurrence strictly after `after`, or null when the schedule has no future
   * occurrence. `seed` is the job's id, for `H` and the jitter. Throws UncomputableOccurrence when the schedule
   * cannot be computed (an expression or zone the engine no longer reads): a fault, never a null.
   */
  readonly next = (schedule: string, timezone: string, after: Date, seed?: number, jitterMs = 0): Date | null => {
    const hashed = this.hashed.get(schedule) ?? remember(this.hashed, schedule, usesHash(schedule), MAX_SCHEDULES);
    const usedSeed = hashed || jitterMs > 0 ? seed : undefined;
    const key = `${timezone}\u0000${schedule}\u0000${usedSeed ?? ''}\u0000${jitterMs}`;
    const answerKey = `${key}\u0000${after.getTime()}`;
    const known = this.answers.get(answerKey);
    if (known !== undefined) return known;
    const compiled = this.schedules.get(key) ?? remember(this.schedules, key, compileSchedule(schedule, timezone, usedSeed, jitterMs), MAX_SCHEDULES);
    return remember(this.answers, answerKey, compiled.next(after), MAX_ANSWERS);
  };
}
