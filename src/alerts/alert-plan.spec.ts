import { type AlertingJob, type FinalOutcome, planMissedAlerts, planOutcomeAlerts } from './alert-plan';
import type { Notify } from './notify';

const webhook = { url: 'https://hooks.example.com/a', format: 'json' as const };
const notify = (overrides: Partial<Notify> = {}): Notify => ({ targets: [webhook], events: ['failed', 'recovered'], afterConsecutiveFailures: 1, ...overrides });
const jobs = (...list: AlertingJob[]) => new Map(list.map((job) => [job.id, job]));
const outcome = (runId: number, failed: boolean, jobId = 1): FinalOutcome => ({ runId, jobId, failed });
const events = (plan: ReturnType<typeof planOutcomeAlerts>) => plan.alerts.map((alert) => `${alert.event}:${alert.runId}`);

describe('planOutcomeAlerts', () => {
  it('fires failed on the first failure by default, and recovered on the next success', () => {
    const plan = planOutcomeAlerts([outcome(1, true), outcome(2, true), outcome(3, false)], jobs({ id: 1, consecutiveFailures: 0, notify: notify() }), null);
    expect(events(plan)).toEqual(['failed:1', 'recovered:3']);
    expect(plan.streaks).toEqual([]);
  });

  it('waits for afterConsecutiveFailures failures in a row, counting those recorded before', () => {
    const job = { id: 1, consecutiveFailures: 1, notify: notify({ afterConsecutiveFailures: 3 }) };
    expect(events(planOutcomeAlerts([outcome(7, true)], jobs(job), null))).toEqual([]);
    const plan = planOutcomeAlerts([outcome(7, true), outcome(8, true), outcome(9, true)], jobs(job), null);
    expect(events(plan)).toEqual(['failed:8']);
    expect(plan.streaks).toEqual([{ jobId: 1, consecutiveFailures: 4 }]);
  });

  it('does not announce a recovery from a streak too short to have alerted', () => {
    const job = { id: 1, consecutiveFailures: 1, notify: notify({ afterConsecutiveFailures: 2 }) };
    const plan = planOutcomeAlerts([outcome(5, false)], jobs(job), null);
    expect(events(plan)).toEqual([]);
    expect(plan.streaks).toEqual([{ jobId: 1, consecutiveFailures: 0 }]);
  });

  it("uses the service's default for a job without notify, and nothing for a job that silenced it", () => {
    const defaults = notify();
    expect(events(planOutcomeAlerts([outcome(1, true)], jobs({ id: 1, consecutiveFailures: 0, notify: null }), defaults))).toEqual(['failed:1']);
    const silenced = { id: 1, consecutiveFailures: 0, notify: notify({ targets: [] }) };
    const plan = planOutcomeAlerts([outcome(1, true)], jobs(silenced), defaults);
    expect(events(plan)).toEqual([]);
    expect(plan.streaks).toEqual([{ jobId: 1, consecutiveFailures: 1 }]);
  });

  it('keys each event by its run, the same for every target', () => {
    const job = { id: 1, consecutiveFailures: 0, notify: notify({ targets: [webhook, { email: 'ops@example.com' }] }) };
    const [alert] = planOutcomeAlerts([outcome(42, true)], jobs(job), null).alerts;
    expect(alert).toMatchObject({ eventKey: 'failed:run:42', targets: job.notify.targets });
  });
});

describe('planMissedAlerts', () => {
  it('fires missed only where the job or the default listens for it', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    const listening = notify({ events: ['missed'] });
    const plan = planMissedAlerts(
      [
        { jobId: 1, notify: listening, scheduledFor: at },
        { jobId: 2, notify: notify(), scheduledFor: at },
        { jobId: 3, notify: null, scheduledFor: at },
      ],
      listening,
    );
    expect(plan.map((alert) => alert.eventKey)).toEqual(['missed:job:1:2026-12-02T10:00:00.000Z', 'missed:job:3:2026-12-02T10:00:00.000Z']);
  });
});
