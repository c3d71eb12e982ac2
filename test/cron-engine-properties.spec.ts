import fc from 'fast-check';
import { CronSchedule, nextOccurrence, nextOccurrences } from '../src/schedules/cron-schedule';
import { cronExpression } from './support/cron-arbitraries';
import { CronOracle, zoneChanges } from './support/cron-oracle';

/** Every zone with a daylight-saving (or other offset) change between 2026 and 2030, and those changes. */
const CHANGES = zoneChanges(new Date('2026-01-01T00:00:00Z'), new Date('2031-01-01T00:00:00Z'));
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

const integer = (min: number, max: number) => fc.integer({ min, max });

const nearAChange = fc.tuple(fc.constantFrom(...CHANGES), integer(-3 * 3600, 3 * 3600)).map(([change, seconds]) => ({
  zone: change.zone,
  start: new Date(change.at + seconds * 1000 + (seconds % 7) * 71),
}));

describe('the cron engine against a brute-force oracle', () => {
  it('finds daylight-saving changes in many zones, some not whole hours on the hour', () => {
    const zones = new Set(CHANGES.map((change) => change.zone));
    expect(zones.size).toBeGreaterThan(50);
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Havana']) expect(zones).toContain(zone);
    expect(CHANGES.some((change) => Math.abs(change.after - change.before) === 30 * MINUTE_MS)).toBe(true);
  });

  it('previews the chain of single next computations, and both agree with the oracle, near every kind of change', () => {
    const horizonMs = 3 * 24 * HOUR_MS;
    fc.assert(
      fc.property(cronExpression, nearAChange, (cron, { zone, start }) => {
        const preview = nextOccurrences(cron, zone, start, 4);
        const chain: Date[] = [];
        for (let after: Date | null = start; after && chain.length < 4; ) {
          after = nextOccurrence(cron, zone, after);
          if (after) chain.push(after);
        }
        expect(preview).toEqual(chain);
        const oracle = new CronOracle(cron, zone);
        let after = start;
        for (const occurrence of preview) {
          const expected = oracle.next(after, horizonMs);
          if (expected === 'beyond') {
            expect(occurrence.getTime()).toBeGreaterThan(after.getTime() + horizonMs);
            return;
          }
          expect(occurrence.toISOString()).toBe(expected.toISOString());
          after = occurrence;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives a computation started anywhere between two occurrences the answer of one started at the first', () => {
    fc.assert(
      fc.property(cronExpression, nearAChange, integer(1, 1000), (cron, { zone, start }, fraction) => {
        const [first, second] = nextOccurrences(cron, zone, start, 2);
        if (!second) return;
        const between = new Date(first.getTime() + Math.floor(((second.getTime() - first.getTime() - 1) * fraction) / 1000));
        expect(nextOccurrence(cron, zone, between)).toEqual(second);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every minute of an hourly job alive across every change of every zone, each real hour once', () => {
    const wrong: string[] = [];
    const schedules = new Map<string, CronSchedule>();
    const hourly = (minute: number, zone: string) => {
      const key = `${minute} ${zone}`;
      if (!schedules.has(key)) schedules.set(key, new CronSchedule(`${minute} * * * *`, zone));
      return schedules.get(key) as CronSchedule;
    };
    for (const change of CHANGES) {
      const [from, to] = [change.at - 3 * HOUR_MS, change.at + 3 * HOUR_MS];
      // A wildcard job: `M * * * *` runs at each instant whose wall clock shows :M, whatever the offset.
      const expected = Array.from({ length: 60 }, (): number[] => []);
      for (let instant = from + MINUTE_MS; instant <= to; instant += MINUTE_MS) {
        const offset = instant < change.at ? change.before : change.after;
        expected[((instant + offset) / MINUTE_MS) % 60].push(instant);
      }
      for (let minute = 0; minute < 60; minute += 1) {
        const schedule = hourly(minute, change.zone);
        const chain: number[] = [];
        for (let after: Date | null = new Date(from); after && after.getTime() < to; ) {
          after = schedule.next(after);
          if (after && after.getTime() <= to) chain.push(after.getTime());
        }
        if (chain.join() !== expected[minute].join()) {
          wrong.push(`${minute} * * * * in ${change.zone} around ${new Date(change.at).toISOString()}: ${chain.map((at) => new Date(at).toISOString()).join(", ")}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
