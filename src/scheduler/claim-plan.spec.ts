import { UncomputableOccurrence } from '../schedules/cron-schedule';
import { jitterDelay } from '../schedules/jittered-schedule';
import { OVERLAP_SKIP_REASON, planClaims } from './claim-plan';
import { NextRunCalculator } from './next-run-calculator';
import type { DueJobRow } from './sql/select-due-work';

const MINUTE = 60_000;
const next = new NextRunCalculator().next;

function dueJob(overrides: Partial<DueJobRow>): DueJobRow {
  return {
    id: 1,
    name: 'job',
    schedule: '*/10 * * * * *',
    timezone: 'UTC',
    type: 'log',
    params: {},
    next_run: new Date('2026-11-23T10:00:00Z'),
    overlap_policy: 'allow',
    misfire_policy: 'run_once',
    max_catch_up: 10,
    jitter_ms: 0,
    timeout_ms: 1000,
    retry_backoff_ms: 1000,
    notify: null,
    busy: false,
    db_now: new Date('2026-11-23T10:00:00.005Z'),
    ...overrides,
  };
}

describe('planClaims', () => {
  it('gives a job whose next occurrence cannot be computed its reason and no next run, and plans the others as usual', () => {
    const failing = (schedule: string, timezone: string, after: Date, seed?: number) => {
      if (timezone === 'Mars/Olympus') throw new UncomputableOccurrence("unknown time zone 'Mars/Olympus'");
      return next(schedule, timezone, after, seed);
    };
    const [broken, fine] = planClaims([dueJob({ id: 1, timezone: 'Mars/Olympus' }), dueJob({ id: 2 })], MINUTE, failing);
    expect(broken).toMatchObject({ nextRun: null, scheduleError: "unknown time zone 'Mars/Olympus'" });
    expect(broken.run).toMatchObject({ status: 'running' });
    expect(fine).toMatchObject({ nextRun: new Date('2026-11-23T10:00:10Z'), scheduleError: null });
  });

  it('lets any other error fail the claim', () => {
    const crashing = () => {
      throw new Error('bug');
    };
    expect(() => planClaims([dueJob({})], MINUTE, crashing)).toThrow('bug');
  });

  it('runs an on-time occurrence and moves the job to the following one', () => {
    const [advance] = planClaims([dueJob({})], MINUTE, next);
    expect(advance.run).toEqual({ scheduledFor: new Date('2026-11-23T10:00:00Z'), status: 'running', error: null });
    expect(advance.nextRun).toEqual(new Date('2026-11-23T10:00:10Z'));
  });

  it('computes the next occurrence from the claimed one, not from the clock, when late within the threshold', () => {
    const [advance] = planClaims([dueJob({ db_now: new Date('2026-11-23T10:00:35Z') })], MINUTE, next);
    expect(advance.run?.scheduledFor).toEqual(new Date('2026-11-23T10:00:00Z'));
    // 10:00:10 is still due at 10:00:35: the next claim runs it, and so on up to 10:00:30.
    expect(advance.nextRun).toEqual(new Date('2026-11-23T10:00:10Z'));
  });

  it('runs one catch-up for a misfire under run_once, then jumps past now', () => {
    const [advance] = planClaims([dueJob({ db_now: new Date('2026-11-23T11:00:03Z') })], MINUTE, next);
    expect(advance.run).toEqual({ scheduledFor: new Date('2026-11-23T10:00:00Z'), status: 'running', error: null });
    expect(advance.nextRun).toEqual(new Date('2026-11-23T11:00:10Z'));
  });

  it('runs nothing for a misfire under skip, and jumps past now', () => {
    const [advance] = planClaims(
      [dueJob({ misfire_policy: 'skip', db_now: new Date('2026-11-23T11:00:03Z') })],
      MINUTE,
      next,
    );
    expect(advance.run).toBeUndefined();
    expect(advance.nextRun).toEqual(new Date('2026-11-23T11:00:10Z'));
  });

  it('queues every missed occurrence under run_all, oldest first, runs none itself, and jumps past now', () => {
    const [advance] = planClaims([dueJob({ misfire_policy: 'run_all', db_now: new Date('2026-11-23T10:01:25Z') })], MINUTE, next);
    expect(advance.run).toBeUndefined();
    expect(advance.catchUp).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80].map((seconds) => new Date(Date.parse('2026-11-23T10:00:00Z') + seconds * 1000)));
    expect(advance.nextRun).toEqual(new Date('2026-11-23T10:01:30Z'));
  });

  it('queues at most max_catch_up missed occurrences under run_all, the oldest', () => {
    const [advance] = planClaims([dueJob({ misfire_policy: 'run_all', max_catch_up: 3, db_now: new Date('2026-11-23T11:00:03Z') })], MINUTE, next);
    expect(advance.catchUp).toEqual([new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T10:00:10Z'), new Date('2026-11-23T10:00:20Z')]);
    expect(advance.nextRun).toEqual(new Date('2026-11-23T11:00:10Z'));
  });

  it('runs an on-time occurrence of a run_all job as any other', () => {
    const [advance] = planClaims([dueJob({ misfire_policy: 'run_all' })], MINUTE, next);
    expect(advance.run?.status).toBe('running');
    expect(advance.catchUp).toBeUndefined();
  });

  it('moves a jittered job to its next occurrence delayed by its own jitter', () => {
    // The occurrence of 10:00:00, delayed: the one before it is delayed by less than 5 s, before 09:59:59.
    const due = next('*/10 * * * * *', 'UTC', new Date('2026-11-23T09:59:59Z'), 1, 5_000)!;
    expect(due.getTime() - Date.parse('2026-11-23T10:00:00Z')).toBe(jitterDelay(1, new Date('2026-11-23T10:00:00Z'), 5_000));
    const [advance] = planClaims([dueJob({ jitter_ms: 5_000, next_run: due, db_now: new Date(due.getTime() + 5) })], MINUTE, next);
    expect(advance.run?.scheduledFor).toEqual(due);
    expect(advance.nextRun!.getTime() - Date.parse('2026-11-23T10:00:10Z')).toBe(jitterDelay(1, new Date('2026-11-23T10:00:10Z'), 5_000));
    expect(advance.nextRun!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-23T10:00:10Z'));
    expect(advance.nextRun!.getTime()).toBeLessThan(Date.parse('2026-11-23T10:00:15Z'));
  });

  it('treats an occurrence exactly at the threshold as late, not misfired', () => {
    const [advance] = planClaims([dueJob({ misfire_policy: 'skip', db_now: new Date('2026-11-23T10:01:00Z') })], MINUTE, next);
    expect(advance.run?.status).toBe('running');
  });

  it('records a skipped run instead of a second one when a forbid job is still running', () => {
    const [advance] = planClaims([dueJob({ overlap_policy: 'forbid', busy: true })], MINUTE, next);
    expect(advance.run).toEqual({ scheduledFor: new Date('2026-11-23T10:00:00Z'), status: 'skipped', error: OVERLAP_SKIP_REASON });
    expect(advance.nextRun).toEqual(new Date('2026-11-23T10:00:10Z'));
  });

  it('leaves nextRun null for an expression that never fires again', () => {
    const never = jest.fn().mockReturnValue(null);
    const [advance] = planClaims([dueJob({})], MINUTE, never);
    expect(advance.nextRun).toBeNull();
    expect(advance.run?.status).toBe('running');
  });

  describe('the chain of claims across daylight-saving days in America/New_York', () => {
    /** Claims on time, occurrence after occurrence, the way the tick does, and lists what ran. */
    function fire(schedule: string, first: string, until: string): string[] {
      const fired: string[] = [];
      let nextRun: Date | null = new Date(first);
      while (nextRun && nextRun < new Date(until)) {
        const [advance] = planClaims(
          [dueJob({ schedule, timezone: 'America/New_York', next_run: nextRun, db_now: new Date(nextRun.getTime() + 5) })],
          MINUTE,
          next,
        );
        fired.push(advance.run!.scheduledFor.toISOString());
        nextRun = advance.nextRun;
      }
      return fired;
    }

    // Expectations worked out by hand: EST is UTC-5, EDT is UTC-4.
    it('fires an hourly job 23 times on 2026-03-08, skipping the hour that does not exist', () => {
      const fired = fire('0 * * * *', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
      expect(fired).toHaveLength(23);
      expect(fired.slice(0, 4)).toEqual([
        '2026-03-08T05:00:00.000Z', // 00:00 EST
        '2026-03-08T06:00:00.000Z', // 01:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-08T08:00:00.000Z', // 04:00 EDT
      ]);
      expect(fired.at(-1)).toBe('2026-03-09T03:00:00.000Z'); // 23:00 EDT
    });

    it('fires an hourly job 25 times on 2026-11-01, once in each of the two 01:00 hours', () => {
      const fired = fire('0 * * * *', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z');
      expect(fired).toHaveLength(25);
      expect(fired.slice(0, 4)).toEqual([
        '2026-11-01T04:00:00.000Z', // 00:00 EDT
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T06:00:00.000Z', // 01:00 EST
        '2026-11-01T07:00:00.000Z', // 02:00 EST
      ]);
      expect(fired.at(-1)).toBe('2026-11-02T04:00:00.000Z'); // 23:00 EST
    });

    it('fires a daily 09:00 job at 14:00 UTC before and 13:00 UTC after spring-forward, and back at fall-back', () => {
      expect(fire('0 9 * * *', '2026-03-07T14:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
        '2026-03-07T14:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
      ]);
      expect(fire('0 9 * * *', '2026-10-31T13:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
        '2026-10-31T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-02T14:00:00.000Z',
      ]);
    });
  });
});
