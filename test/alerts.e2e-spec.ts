import type { AlertDeliverer } from '../src/alerts/alert-deliverer';
import { type AlertReceiver, startAlertReceiver } from './support/alert-receiver';
import { makeJob } from './support/factories';
import type { RunResponse } from '../src/api-client/api-types';
import { type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const SECRET = 'a-signing-secret-of-the-tests';
const BACKOFF_MS = 1_000;
const MAX_ATTEMPTS = 3;

interface DeliveryBody {
  event: string;
  eventKey: string;
  runId: number | null;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
}

describe('alerts, through the API', () => {
  let t: TestApp;
  let receiver: AlertReceiver;
  let smtp: SmtpReceiver;
  let deliverer: AlertDeliverer;

  beforeAll(async () => {
    receiver = await startAlertReceiver(SECRET);
    smtp = await startSmtpReceiver();
    t = await startTestApp({
      HTTP_JOBS_ALLOW: '127.0.0.1',
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_TICK: '0 0 1 1 *',
      ALERT_SIGNING_SECRET: SECRET,
      ALERT_POLL_MS: '3600000',
      ALERT_RETRY_BACKOFF_MS: String(BACKOFF_MS),
      ALERT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      SMTP_URL: smtp.url,
      DASHBOARD_URL: 'https://scheduler.example.com',
      ALERTS_DEFAULT_NOTIFY: JSON.stringify({ targets: [{ url: `${receiver.origin}/default` }], events: ['failed'] }),
    });
    const { AlertDeliverer } = await import('../src/alerts/alert-deliverer.js');
    deliverer = t.app.get(AlertDeliverer);
    // Its own timer and the outbox's notifications would deliver at once: the tests drive it with runOnce and their clock.
    await deliverer.stop();
    receiver.statusOf.set('/failing-job', 500);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await smtp?.close();
  });

  const hook = (path: string, format?: string) => ({ url: `${receiver.origin}${path}`, ...(format ? { format } : {}) });
  const receivedAt = (path: string) => receiver.received.filter((alert) => alert.path === path);

  async function createHttpJob(notify: unknown, path = '/failing-job', overrides: Record<string, unknown> = {}): Promise<{ id: number }> {
    const { body } = await t.http
      .post('/jobs')
      .send(makeJob({ schedule: '0 0 1 1 *', isActive: false, type: 'http', params: { url: `${receiver.origin}${path}` }, ...(notify === undefined ? {} : { notify }), ...overrides }))
      .expect(201);
    return body;
  }

  /** Runs the job now and waits for that run's outcome. */
  async function runNow(jobId: number): Promise<RunResponse> {
    const { body: queued } = await t.http.post(`/jobs/${jobId}/run`).expect(202);
    return waitFor(
      async () => {
        const { body } = await t.http.get(`/jobs/${jobId}/runs`).expect(200);
        const run = (body.data as RunResponse[]).find((candidate) => candidate.id === queued.id);
        return run && ['succeeded', 'failed', 'timed_out'].includes(run.status) && run;
      },
      20_000,
      `run ${queued.id} of job ${jobId} to finish`,
    );
  }

  async function alertsOf(jobId: number): Promise<{ consecutiveFailures: number; usesDefault: boolean; data: DeliveryBody[] }> {
    const { body } = await t.http.get(`/jobs/${jobId}/alerts`).expect(200);
    return body;
  }

  it('delivers a failed run to its webhook once, signed over the timestamp and the body, with the job, the run and a dashboard link', async () => {
    const job = await createHttpJob({ targets: [hook('/once')] });
    const run = await runNow(job.id);
    expect(run.status).toBe('failed');
    expect((await alertsOf(job.id)).data).toEqual([expect.objectContaining({ event: 'failed', runId: run.id, status: 'pending', attempts: 0 })]);

    await deliverer.runOnce();
    await deliverer.runOnce();

    const [alert, ...more] = receivedAt('/once');
    expect(more).toEqual([]);
    expect(alert.signed).toBe(true);
    expect(alert.headers['idempotency-key']).toBe(`failed:run:${run.id}`);
    expect(alert.headers['x-alert-event']).toBe('failed');
    expect(alert.body).toMatchObject({
      event: 'failed',
      job: { id: job.id, type: 'http' },
      run: { id: run.id, status: 'failed', attempt: 1, error: expect.stringContaining('HTTP 500') },
      scheduledFor: run.scheduledFor,
      link: `https://scheduler.example.com/ui/jobs/${job.id}`,
    });
    expect((await alertsOf(job.id)).data).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, responseStatus: 200 })]);
  });

  it('fires failed after afterConsecutiveFailures failures in a row, once, and recovered at the next success', async () => {
    const job = await createHttpJob({ targets: [hook('/streak')], afterConsecutiveFailures: 2 });
    const first = await runNow(job.id);
    expect((await alertsOf(job.id)).data).toEqual([]);
    const second = await runNow(job.id);
    await runNow(job.id);
    expect((await alertsOf(job.id)).consecutiveFailures).toBe(3);
    await t.http.patch(`/jobs/${job.id}`).send({ params: { url: `${receiver.origin}/healthy-job` } }).expect(200);
    const success = await runNow(job.id);
    expect(success.status).toBe('succeeded');

    const { data, consecutiveFailures } = await alertsOf(job.id);
    expect(consecutiveFailures).toBe(0);
    expect(data.map((delivery) => `${delivery.event}:${delivery.runId}`)).toEqual([`recovered:${success.id}`, `failed:${second.id}`]);
    expect(data.some((delivery) => delivery.runId === first.id)).toBe(false);
  });

  it("sends a job without notify of its own to the service's default, and none for a job that silenced it", async () => {
    const defaulted = await createHttpJob(undefined);
    const silenced = await createHttpJob({ targets: [] });
    await runNow(defaulted.id);
    await runNow(silenced.id);
    await deliverer.runOnce();
    expect(receivedAt('/default').map((alert) => (alert.body.job as { id: number }).id)).toContain(defaulted.id);
    expect(receivedAt('/default').map((alert) => (alert.body.job as { id: number }).id)).not.toContain(silenced.id);
    expect(await alertsOf(defaulted.id)).toMatchObject({ usesDefault: true, notify: { events: ['failed'] } });
    expect((await alertsOf(silenced.id)).data).toEqual([]);
  });

  it('retries an alert the receiver refuses, with a doubling backoff, then records it as undeliverable and counts each outcome', async () => {
    receiver.statusOf.set('/down', 503);
    const job = await createHttpJob({ targets: [hook('/down')] });
    await runNow(job.id);
    const start = Date.now();

    expect(await deliverer.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await deliverer.runOnce(new Date(start + BACKOFF_MS / 2))).toMatchObject({ claimed: 0 });
    expect(await deliverer.runOnce(new Date(start + 60_000))).toMatchObject({ claimed: 1, retried: 1 });
    expect(await deliverer.runOnce(new Date(start + 61_000))).toMatchObject({ claimed: 0 });
    expect(await deliverer.runOnce(new Date(start + 120_000))).toMatchObject({ claimed: 1, undeliverable: 1 });
    expect(await deliverer.runOnce(new Date(start + 3_600_000))).toMatchObject({ claimed: 0 });

    expect(receivedAt('/down')).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(receivedAt('/down').map((alert) => alert.headers['idempotency-key'])).size).toBe(1);
    const [delivery] = (await alertsOf(job.id)).data;
    expect(delivery).toMatchObject({ status: 'undeliverable', attempts: MAX_ATTEMPTS, responseStatus: 503, lastError: expect.stringContaining('HTTP 503') });
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/scheduler_alert_deliveries_total\{outcome="undeliverable"\} [1-9]/);
    expect(metrics).toMatch(/scheduler_alert_deliveries_total\{outcome="retried"\} [2-9]/);
    expect(metrics).toMatch(/scheduler_alert_deliveries_total\{outcome="delivered"\} [1-9]/);
  });

  it('announces an occurrence the misfire policy skipped as missed', async () => {
    const job = await createHttpJob({ targets: [hook('/missed')], events: ['missed'] }, '/healthy-job', { isActive: true, misfirePolicy: 'skip' });
    const occurrence = await withClient(t.database.url, async (client) => {
      const { rows } = await client.query<{ next_run: Date }>("UPDATE jobs SET next_run = now() - interval '10 minutes' WHERE id = $1 RETURNING next_run", [job.id]);
      return rows[0].next_run;
    });
    const { SchedulerService } = await import('../src/scheduler/scheduler.service.js');
    await t.app.get(SchedulerService).tick();
    await deliverer.runOnce();
    const [alert] = receivedAt('/missed');
    expect(alert.headers['idempotency-key']).toBe(`missed:job:${job.id}:${occurrence.toISOString()}`);
    expect(alert.body).toMatchObject({ event: 'missed', run: null, scheduledFor: occurrence.toISOString() });
  });

  it('announces an occurrence the overlap policy skipped as missed, with its skipped run', async () => {
    receiver.holding.add('/hanging-job');
    const job = await createHttpJob({ targets: [hook('/overlap')], events: ['missed'] }, '/hanging-job', { overlapPolicy: 'forbid', timeoutMs: 3000, isActive: true });
    await t.http.post(`/jobs/${job.id}/run`).expect(202);
    await waitFor(async () => receiver.received.some((request) => request.path === '/hanging-job'), 10_000, 'the first run to start');
    await withClient(t.database.url, (client) => client.query("UPDATE jobs SET next_run = now() - interval '1 second' WHERE id = $1", [job.id]));
    const { SchedulerService } = await import('../src/scheduler/scheduler.service.js');
    await t.app.get(SchedulerService).tick();
    await deliverer.runOnce();
    const [alert] = receivedAt('/overlap');
    expect(alert.body).toMatchObject({ event: 'missed', run: { status: 'skipped', error: expect.stringContaining('overlapPolicy forbid') } });
    expect(alert.headers['idempotency-key']).toBe(`missed:job:${job.id}:${(alert.body.run as { scheduledFor: string }).scheduledFor}`);
  });

  it('posts a Slack-compatible body with format slack', async () => {
    const job = await createHttpJob({ targets: [hook('/slack', 'slack')] });
    await runNow(job.id);
    await deliverer.runOnce();
    const [alert] = receivedAt('/slack');
    expect(alert.signed).toBe(true);
    expect(Object.keys(alert.body)).toEqual(['text']);
    expect(alert.body.text).toContain(`/ui/jobs/${job.id}|Open in the dashboard>`);
    expect(alert.body.text).toMatch(/failed \(run \d+, attempt 1, failed\): HTTP 500/);
  });

  it('e-mails an alert through SMTP_URL', async () => {
    const job = await createHttpJob({ targets: [{ email: 'ops@example.com' }] });
    const run = await runNow(job.id);
    await deliverer.runOnce();
    const message = await waitFor(async () => smtp.messages.find((candidate) => candidate.raw.includes(`failed:run:${run.id}`)), 10_000, 'the e-mail');
    expect(message.to).toEqual(['ops@example.com']);
    expect(message.raw).toMatch(/^Subject: /m);
    expect(message.raw).toMatch(new RegExp(`^Job ".+" failed \\(run ${run.id}, attempt 1, failed\\)\\r?$`, 'm'));
    expect(message.raw).toContain(`https://scheduler.example.com/ui/jobs/${job.id}`);
    expect((await alertsOf(job.id)).data).toEqual([expect.objectContaining({ status: 'delivered' })]);
  });

  it('refuses a webhook the outbound policy of http jobs refuses, naming the target', async () => {
    const { body } = await t.http
      .post('/jobs')
      .send(makeJob({ notify: { targets: [{ url: 'http://169.254.169.254/latest' }] } }))
      .expect(400);
    expect(body.fields).toEqual([expect.objectContaining({ field: 'notify.targets.0.url' })]);
  });

  it('refuses a target that is neither a webhook nor an address, and an unknown event', async () => {
    const { body } = await t.http
      .post('/jobs')
      .send(makeJob({ notify: { targets: [{ format: 'slack' }], events: ['exploded'] } }))
      .expect(400);
    expect(body.fields.map((problem: { field: string }) => problem.field)).toEqual(expect.arrayContaining(['notify.events']));
    const { body: second } = await t.http
      .post('/jobs')
      .send(makeJob({ notify: { targets: [{ format: 'slack' }] } }))
      .expect(400);
    expect(second.fields).toEqual([{ field: 'notify.targets.0', message: 'must have either a url (a webhook) or an email' }]);
  });

  it('carries notify through jobs as code: applied (checked like POST /jobs), exported, and planned as a change', async () => {
    const name = `notified ${Date.now()}`;
    const definition = { name, schedule: '0 9 * * *', notify: { targets: [hook('/as-code')], afterConsecutiveFailures: 2 } };
    const refused = await t.http.post('/jobs/apply').send({ jobs: [{ ...definition, notify: { targets: [{ url: 'http://169.254.169.254/' }] } }] }).expect(400);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'jobs[0].notify.targets.0.url' })]);
    await t.http.post('/jobs/apply').send({ jobs: [definition] }).expect(200);
    const { body: exported } = await t.http.get('/jobs/export').set('accept', 'application/json').expect(200);
    const stored = { targets: [{ url: `${receiver.origin}/as-code`, format: 'json' }], events: ['failed', 'recovered'], afterConsecutiveFailures: 2 };
    expect(exported.jobs.find((job: { name: string }) => job.name === name).notify).toEqual(stored);
    const { body: plan } = await t.http.post('/jobs/apply?dryRun=true').send({ jobs: [{ ...definition, notify: null }] }).expect(200);
    expect(plan.changed).toEqual([{ name, changes: { notify: { from: stored, to: null } } }]);
    await t.http.post('/jobs/apply').send({ jobs: [{ ...definition, notify: null }] }).expect(200);
    const { body: jobs } = await t.http.get(`/jobs?search=${encodeURIComponent(name)}`).expect(200);
    expect(jobs.data[0].notify).toBeNull();
  });

  it('answers the job with its notify, defaults filled in, and 404 for the alerts of a job that does not exist', async () => {
    const job = await createHttpJob({ targets: [hook('/shown')] });
    const { body } = await t.http.get(`/jobs/${job.id}`).expect(200);
    expect(body.notify).toEqual({ targets: [{ url: `${receiver.origin}/shown`, format: 'json' }], events: ['failed', 'recovered'], afterConsecutiveFailures: 1 });
    await t.http.get('/jobs/999999/alerts').expect(404);
  });

  it('prunes the deliveries settled before the run retention, and never a pending one', async () => {
    const job = await createHttpJob({ targets: [hook('/pruned')] });
    const insert = (key: string, status: string, age: string) =>
      withClient(t.database.url, (client) =>
        client.query(
          `INSERT INTO alert_deliveries (job_id, event, event_key, target_index, target, payload, status, created_at)
           VALUES ($1, 'failed', $2, 0, '{"url": "https://hooks.example.com/x", "format": "json"}', '{}', $3::"AlertDeliveryStatus", now() - $4::interval)`,
          [job.id, key, status, age],
        ),
      );
    await insert('old-delivered', 'delivered', '31 days');
    await insert('old-undeliverable', 'undeliverable', '40 days');
    await insert('old-pending', 'pending', '40 days');
    await insert('recent-delivered', 'delivered', '29 days');
    const { AlertPruner } = await import('../src/alerts/alert-pruner.js');

    expect(await t.app.get(AlertPruner).runOnce()).toBe(2);
    const { body } = await t.http.get(`/jobs/${job.id}/alerts`).expect(200);
    expect(body.data.map((delivery: { eventKey: string }) => delivery.eventKey).sort()).toEqual(['old-pending', 'recent-delivered']);
  });
});
