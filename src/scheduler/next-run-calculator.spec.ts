import fc from 'fast-check';
import { CronSchedule, nextOccurrence, UncomputableOccurrence } from '../schedules/cron-schedule';
import { NextRunCalculator } from './next-run-calculator';

describe('NextRunCalculator', () => {
  it('agrees with a fresh computation for any expression, zone, seed and instant, however the cache is used', () => {
    const calculator = new NextRunCalculator();
    const schedules = ['* * * * *', '*/7 * * * * *', '0 9 * * 1-5', '30 2 * * *', '0 0 29 2 *', '15,45 */3 * * *', 'H H * * *'];
    const zones = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(fc.constantFrom(...schedules), fc.constantFrom(...zones), fc.integer({ min: 1, max: 5 }), instants, (schedule, zone, seed, after) => {
        const expected = nextOccurrence(schedule, zone, after, seed)?.toISOString();
        expect(calculator.next(schedule, zone, after, seed)?.toISOString()).toBe(expected);
        expect(calculator.next(schedule, zone, after, seed)?.toISOString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('returns the occurrence strictly after an instant that is itself an occurrence', () => {
    const calculator = new NextRunCalculator();
    expect(calculator.next('0 9 * * *', 'UTC', new Date('2026-11-23T09:00:00Z'))).toEqual(new Date('2026-11-24T09:00:00Z'));
  });

  it('keeps the answers of different seeds apart', () => {
    const calculator = new NextRunCalculator();
    const after = new Date('2026-11-23T09:00:00Z');
    const bySeed = [1, 2, 3, 4, 5, 6].map((seed) => calculator.next('H * * * *', 'UTC', after, seed)?.getTime());
    expect(new Set(bySeed).size).toBeGreaterThan(1);
    expect([1, 2, 3, 4, 5, 6].map((seed) => calculator.next('H * * * *', 'UTC', after, seed)?.getTime())).toEqual(bySeed);
  });

  it('computes a schedule without H once for every job on it, whatever their ids (a claim storm)', () => {
    const calculator = new NextRunCalculator();
    const after = new Date('2026-12-02T16:41:32Z');
    const computed = jest.spyOn(CronSchedule.prototype, 'next');
    try {
      const answers = new Set(Array.from({ length: 1_000 }, (_, id) => calculator.next('32 41 16 2 12 *', 'UTC', after, id + 1)?.getTime()));
      expect([...answers]).toEqual([Date.UTC(2027, 11, 2, 16, 41, 32)]);
      expect(computed).toHaveBeenCalledTimes(1);
    } finally {
      computed.mockRestore();
    }
  });

  it('throws UncomputableOccurrence, not null, for a stored expression or zone it cannot read', () => {
    const calculator = new NextRunCalculator();
    const after = new Date('2026-11-23T09:00:00Z');
    expect(() => calculator.next('0 12 15W * *', 'UTC', after)).toThrow(UncomputableOccurrence);
    expect(() => calculator.next('0 12 * * *', 'Mars/Olympus', after)).toThrow(UncomputableOccurrence);
    expect(() => calculator.next('H * * * *', 'UTC', after)).toThrow(/needs a seed/);
  });

  it('answers null only when no occurrence is left before the end of representable time', () => {
    const calculator = new NextRunCalculator();
    expect(calculator.next('0 0 1 1 *', 'UTC', new Date('+275760-01-01T00:00:00Z'))).toBeNull();
  });
});
