import { Injectable } from '@nestjs/common';
import { CronSchedule } from '../schedules/cron-schedule';

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
 */
@Injectable()
export class NextRunCalculator {
  private readonly schedules = new Map<string, CronSchedule>();
  private readonly answers = new Map<string, Date | null>();

  /**
   * The first occurrence strictly after `after`, or null when the schedule has no future
   * occurrence. `seed` is the job's id, for `H`. Throws UncomputableOccurrence when the schedule
   * cannot be computed (an expression or zone the engine no longer reads): a fault, never a null.
   */
  readonly next = (schedule: string, timezone: string, after: Date, seed?: number): Date | null => {
    const key = `${timezone}\u0000${schedule}\u0000${seed ?? ''}`;
    const answerKey = `${key}\u0000${after.getTime()}`;
    const known = this.answers.get(answerKey);
    if (known !== undefined) return known;
    const compiled = this.schedules.get(key) ?? remember(this.schedules, key, new CronSchedule(schedule, timezone, seed), MAX_SCHEDULES);
    return remember(this.answers, answerKey, compiled.next(after), MAX_ANSWERS);
  };
}
