import fc from 'fast-check';
import { nextOccurrence } from '../schedules/cron-schedule';
import { NextRunCalculator } from './next-run-calculator';

describe('NextRunCalculator', () => {
  it('agrees with a fresh parse for any expression, zone and instant, however the cache is used', () => {
    const calculator = new NextRunCalculator();
    const schedules = ['* * * * *', '*/7 * * * * *', '0 9 * * 1-5', '30 2 * * *', '0 0 29 2 *', '15,45 */3 * * *'];
    const zones = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(fc.constantFrom(...schedules), fc.constantFrom(...zones), instants, (schedule, zone, after) => {
        const expected = nextOccurrence(schedule, zone, after)?.toISOString();
        expect(calculator.next(schedule, zone, after)?.toISOString()).toBe(expected);
        expect(calculator.next(schedule, zone, after)?.toISOString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('returns the occurrence strictly after an instant that is itself an occurrence', () => {
    const calculator = new NextRunCalculator();
    expect(calculator.next('0 9 * * *', 'UTC', new Date('2026-11-23T09:00:00Z'))).toEqual(new Date('2026-11-24T09:00:00Z'));
  });
});
