import { LAST_INSTANT_MS, SECOND_MS } from './civil-time';
import { seedHash } from './seed-hash';

/** A set of instants in time order: the first one strictly after any instant. */
export interface Occurrences {
  next(after: Date): Date | null;
}

/** An hour: a delay is for spreading a fleet's jobs, not for moving them. */
export const MAX_JITTER_MS = 3_600_000;
const JITTER_SALT = 7;
const TWO_TO_THE_32 = 2 ** 32;

/**
 * The delay of one occurrence, in [0, room): a hash of the seed (the job's id) and the occurrence,
 * so every instance, the preview and every restart compute the same one, and jobs sharing a
 * schedule spread across the room instead of starting together.
 */
export function jitterDelay(seed: number, occurrence: Date, room: number): number {
  const seconds = Math.floor(occurrence.getTime() / SECOND_MS);
  const low = seconds >>> 0;
  const high = Math.floor(seconds / TWO_TO_THE_32) >>> 0;
  return seedHash(seedHash(seedHash(seed, JITTER_SALT) ^ low, high), JITTER_SALT) % room;
}

/**
 * A schedule whose every occurrence is delayed by its jitter: up to `jitterMs`, and always less than
 * the time to the schedule's next occurrence, so the delayed instants keep the schedule's order and
 * one occurrence is never pushed past the next. `next` still needs nothing but its argument: the
 * occurrence an instant may belong to is found again from the schedule, which is what lets the
 * scheduler compute each next run from the one it claimed, as without jitter.
 */
export class JitteredSchedule implements Occurrences {
  constructor(
    private readonly schedule: Occurrences,
    private readonly seed: number,
    private readonly jitterMs: number,
  ) {}

  next(after: Date): Date | null {
    const previous = this.latestAtOrBefore(after);
    const delayedPrevious = previous && this.delayed(previous);
    if (delayedPrevious && delayedPrevious > after) return delayedPrevious;
    const following = this.schedule.next(after);
    return following && this.delayed(following);
  }

  private delayed(occurrence: Date): Date | null {
    const following = this.schedule.next(occurrence);
    const room = following ? Math.min(this.jitterMs, following.getTime() - occurrence.getTime()) : this.jitterMs;
    const delayed = occurrence.getTime() + jitterDelay(this.seed, occurrence, room);
    return delayed <= LAST_INSTANT_MS ? new Date(delayed) : null;
  }

  /**
   * The schedule's last occurrence at or before `at`, looked for only as far back as a delay
   * reaches: windows doubling from one second keep this a few steps however dense the schedule.
   */
  private latestAtOrBefore(at: Date): Date | null {
    for (let window = Math.min(SECOND_MS, this.jitterMs); ; window = Math.min(window * 2, this.jitterMs)) {
      let found = this.schedule.next(new Date(at.getTime() - window));
      if (found && found <= at) {
        for (let later = this.schedule.next(found); later && later <= at; later = this.schedule.next(found)) found = later;
        return found;
      }
      if (window >= this.jitterMs) return null;
    }
  }
}
