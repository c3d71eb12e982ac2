import { CronSchedule, nextOccurrences } from './cron-schedule';
import { jitterDelay, JitteredSchedule } from './jittered-schedule';

const HOUR = new Date('2026-12-02T10:00:00Z');
const FIVE_MINUTES = 300_000;

/** How many of `values` fall in each of `buckets` equal parts of [0, range). */
function histogram(values: number[], range: number, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const value of values) counts[Math.floor((value / range) * buckets)] += 1;
  return counts;
}

describe('jitterDelay', () => {
  it("spreads the jobs of one schedule evenly across the room, by the jobs' ids", () => {
    const delays = Array.from({ length: 10_000 }, (_, index) => jitterDelay(index + 1, HOUR, FIVE_MINUTES));
    // 10,000 delays in 10 buckets: 1,000 each expected; a fair spread stays well within ±15 %.
    expect(histogram(delays, FIVE_MINUTES, 10).every((count) => count > 850 && count < 1150)).toBe(true);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(FIVE_MINUTES);
  });

  it("spreads one job's occurrences too, hour after hour", () => {
    const delays = Array.from({ length: 10_000 }, (_, hour) => jitterDelay(42, new Date(HOUR.getTime() + hour * 3_600_000), FIVE_MINUTES));
    expect(histogram(delays, FIVE_MINUTES, 10).every((count) => count > 850 && count < 1150)).toBe(true);
  });

  it('is the same delay for the same job and occurrence, whoever computes it', () => {
    expect(jitterDelay(7, HOUR, FIVE_MINUTES)).toBe(jitterDelay(7, new Date(HOUR), FIVE_MINUTES));
    const neighbours = new Set([1, 2, 3, 4, 5].map((seed) => jitterDelay(seed, HOUR, FIVE_MINUTES)));
    expect(neighbours.size).toBe(5);
  });
});

describe('JitteredSchedule', () => {
  const chain = (schedule: { next(after: Date): Date | null }, after: Date, count: number) => {
    const instants: Date[] = [];
    for (let previous: Date | null = after; instants.length < count && previous; ) {
      previous = schedule.next(previous);
      if (previous) instants.push(previous);
    }
    return instants;
  };

  /** The schedule's occurrences from a delay before `after`, each delayed by its jitter, those after `after`: written from the definition. */
  const expectedChain = (expression: string, seed: number, room: (occurrence: Date) => number, after: Date, count: number) =>
    chain(new CronSchedule(expression, 'UTC'), new Date(after.getTime() - 3_600_000), count + 400)
      .map((occurrence) => new Date(occurrence.getTime() + jitterDelay(seed, occurrence, room(occurrence))))
      .filter((instant) => instant > after)
      .slice(0, count);

  it('delays each occurrence of the schedule by its own jitter, in the schedule order', () => {
    const jittered = chain(new JitteredSchedule(new CronSchedule('0 * * * *', 'UTC'), 9, FIVE_MINUTES), HOUR, 50);
    expect(jittered).toEqual(expectedChain('0 * * * *', 9, () => FIVE_MINUTES, HOUR, 50));
    expect(jittered[0].getTime()).toBeLessThan(HOUR.getTime() + FIVE_MINUTES);
  });

  it('never delays an occurrence as far as the next one', () => {
    const jittered = chain(new JitteredSchedule(new CronSchedule('*/10 * * * * *', 'UTC'), 3, 3_600_000), HOUR, 500);
    expect(jittered).toEqual(expectedChain('*/10 * * * * *', 3, () => 10_000, HOUR, 500));
    const delays = jittered.map((instant) => instant.getTime() % 10_000);
    expect(Math.max(...delays)).toBeGreaterThan(9_000);
  });

  it('answers from any instant what the chain from long before lists after it, as the scheduler needs after a claim', () => {
    const schedule = new JitteredSchedule(new CronSchedule('*/5 * * * *', 'Europe/Paris'), 11, 240_000);
    const known = chain(schedule, HOUR, 200);
    for (let step = 0; step < 500; step += 1) {
      const instant = new Date(HOUR.getTime() + 600_000 + step * 97_331);
      expect(schedule.next(instant)).toEqual(known.find((candidate) => candidate > instant));
    }
  });

  it('is what the preview lists for the job', () => {
    const schedule = new JitteredSchedule(new CronSchedule('0 9 * * 1-5', 'America/New_York'), 5, FIVE_MINUTES);
    expect(nextOccurrences('0 9 * * 1-5', 'America/New_York', HOUR, 10, 5, FIVE_MINUTES)).toEqual(chain(schedule, HOUR, 10));
  });

  it('needs the job id as its seed', () => {
    expect(() => nextOccurrences('0 * * * *', 'UTC', HOUR, 1, undefined, FIVE_MINUTES)).toThrow("jitter needs a seed (the job's id)");
  });
});
