import { alignedInstant, lagFigures, onceAtSchedule, transactionsPerMinute, verdict } from '../bench/lib/precision-stats';
import { nextOccurrence } from '../src/schedules/cron-schedule';

describe('the precision suite\'s statistics (bench/lib/precision-stats.ts)', () => {
  it('takes the nearest-rank p99 and the max of unsorted lags, ignoring what was not measured', () => {
    const lags = Array.from({ length: 200 }, (_, index) => 200 - index).concat([NaN]);
    expect(lagFigures(lags)).toEqual({ count: 200, p50: 100, p99: 198, max: 200 });
    expect(lagFigures([-3, 7])).toEqual({ count: 2, p50: -3, p99: 7, max: 7 });
  });

  it('has no figures for an empty sample', () => {
    const figures = lagFigures([]);
    expect(figures.count).toBe(0);
    expect([figures.p50, figures.p99, figures.max].every(Number.isNaN)).toBe(true);
  });

  it('starts a window on an instant every schedule shares, at least the lead away', () => {
    expect(alignedInstant(Date.parse('2026-12-02T10:00:06.500Z'), 10_000, 3_000)).toBe(Date.parse('2026-12-02T10:00:10Z'));
    expect(alignedInstant(Date.parse('2026-12-02T10:00:07.500Z'), 10_000, 3_000)).toBe(Date.parse('2026-12-02T10:00:20Z'));
    expect(alignedInstant(Date.parse('2026-12-02T10:00:07Z'), 10_000, 3_000)).toBe(Date.parse('2026-12-02T10:00:10Z'));
  });

  it('counts idle transactions per minute per instance without the reader\'s own', () => {
    // 25 transactions over 120 s, one of them the reader's: 12 per minute for two instances, 6 each.
    expect(transactionsPerMinute(1_000, 1_025, 1, 120, 2)).toBe(6);
    expect(transactionsPerMinute(1_000, 1_000, 1, 120, 2)).toBe(0);
  });

  it('judges a figure against an upper or a lower bound', () => {
    expect(verdict(50, { atMost: 50 })).toBe('met');
    expect(verdict(51, { atMost: 50 })).toBe('missed');
    expect(verdict(0.49, { atLeast: 0.5 })).toBe('missed');
    expect(verdict(0.5, { atLeast: 0.5 })).toBe('met');
    expect(verdict(NaN, { atMost: 50 })).toBe('not measured');
  });

  it('writes a schedule whose next occurrence is the instant asked for', () => {
    const at = new Date('2026-12-31T23:59:58Z');
    expect(onceAtSchedule(at)).toBe('58 59 23 31 12 *');
    expect(nextOccurrence(onceAtSchedule(at), 'UTC', new Date(at.getTime() - 2_000))).toEqual(at);
  });
});
