import { type AlertReceiver, startAlertReceiver } from './support/alert-receiver';
import { makeJob } from './support/factories';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const SECRET = 'a-signing-secret-of-the-tests';

async function json<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: init?.body ? { 'content-type': 'application/json' } : {} });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

interface Delivery {
  eventKey: string;
  status: string;
  attempts: number;
}

describe('alerts, across real processes', () => {
  let database: TestDatabase;
  let receiver: AlertReceiver;
  let services: ServiceProcess[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    receiver = await startAlertReceiver(SECRET);
    receiver.statusOf.set('/failing-job', 500);
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await receiver.close();
    await database.drop();
  });

  const environment = (overrides: Record<string, string>) => ({
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'false',
    HTTP_JOBS_ALLOW: '127.0.0.1',
    ALERT_SIGNING_SECRET: SECRET,
    SCHEDULER_TICK: '0 0 1 1 *',
    ...overrides,
  });
  const start = async (overrides: Record<string, string>, name: string) => {
    const service = await ServiceProcess.start(environment(overrides), name);
    services.push(service);
    return service;
  };

  /** Creates an http job calling `jobPath` and alerting `hookPath`, and asks for a run of it; answers both ids. */
  async function runJob(service: ServiceProcess, hookPath: string, jobPath = '/failing-job'): Promise<{ jobId: number; runId: number }> {
    const job = await json<{ id: number }>(`${service.url}/jobs`, {
      method: 'POST',
      body: JSON.stringify(
        makeJob({ schedule: '0 0 1 1 *', isActive: false, type: 'http', params: { url: `${receiver.origin}${jobPath}` }, notify: { targets: [{ url: `${receiver.origin}${hookPath}` }] } }),
      ),
    });
    const run = await json<{ id: number }>(`${service.url}/jobs/${job.id}/run`, { method: 'POST' });
    return { jobId: job.id, runId: run.id };
  }

  async function waitForFailure(service: ServiceProcess, { jobId, runId }: { jobId: number; runId: number }): Promise<void> {
    await waitFor(
      async () => (await json<{ data: { id: number; status: string }[] }>(`${service.url}/jobs/${jobId}/runs`)).data.some((candidate) => candidate.id === runId && candidate.status === 'failed'),
      30_000,
      `run ${runId} to fail`,
    );
  }

  /** Creates a failing http job alerting `hookPath`, runs it once and waits for the failed run; answers its run id. */
  async function failOnce(service: ServiceProcess, hookPath: string): Promise<{ jobId: number; runId: number }> {
    const ids = await runJob(service, hookPath);
    await waitForFailure(service, ids);
    return ids;
  }

  const deliveriesOf = async (service: ServiceProcess, jobId: number) => (await json<{ data: Delivery[] }>(`${service.url}/jobs/${jobId}/alerts`)).data;
  const receivedAt = (path: string) => receiver.received.filter((alert) => alert.path === path);
  /**
   * An instance that records outcomes but delivers nothing unless asked to during a test: it never hears
   * a notification (its listening connection points at a closed port), so it claims on a tick every
   * second, and it looks for alerts once at start, then every 10 minutes.
   */
  const DEAF = { DATABASE_LISTEN_URL: 'postgresql://postgres@127.0.0.1:9/nowhere', SCHEDULER_TICK: '* * * * * *', ALERT_POLL_MS: '600000' };

  it('delivers, exactly once and from another instance, the alert of an outcome whose instance was killed before delivering it', async () => {
    const first = await start(DEAF, 'alerts-first');
    const { jobId, runId } = await failOnce(first, '/hook');
    expect(await deliveriesOf(first, jobId)).toEqual([expect.objectContaining({ eventKey: `failed:run:${runId}`, status: 'pending', attempts: 0 })]);
    await first.stop('SIGKILL');

    const second = await start({ ALERT_POLL_MS: '200' }, 'alerts-second');
    const [alert] = await waitFor(async () => receivedAt('/hook').length > 0 && receivedAt('/hook'), 30_000, 'the alert at the receiver');
    expect(alert.signed).toBe(true);
    expect(alert.headers['idempotency-key']).toBe(`failed:run:${runId}`);
    // A later event's delivery proves the second instance went on polling: the first alert was not sent again meanwhile.
    await failOnce(second, '/later');
    await waitFor(async () => receivedAt('/later').length > 0, 30_000, 'the later alert');
    expect(receivedAt('/hook')).toHaveLength(1);
    expect(await deliveriesOf(second, jobId)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  }, 180_000);

  it('sends again, under the same Idempotency-Key, an alert whose instance was killed while delivering it, and records it delivered once', async () => {
    // An attempt may take 5 s, so its lease ends 15 s after it started (see AlertDeliverer).
    const timing = { ALERT_POLL_MS: '200', ALERT_TIMEOUT_MS: '5000' };
    receiver.holding.add('/slow-hook');
    const first = await start(timing, 'alerts-dying');
    const { jobId, runId } = await failOnce(first, '/slow-hook');
    await waitFor(async () => receivedAt('/slow-hook').length > 0, 30_000, 'the first attempt');
    await first.stop('SIGKILL');
    receiver.holding.delete('/slow-hook');

    const second = await start(timing, 'alerts-taking-over');
    await waitFor(async () => (await deliveriesOf(second, jobId)).some((delivery) => delivery.status === 'delivered'), 60_000, 'the delivery to be recorded');
    const attempts = receivedAt('/slow-hook');
    expect(attempts).toHaveLength(2);
    expect(attempts.map((attempt) => attempt.headers['idempotency-key'])).toEqual([`failed:run:${runId}`, `failed:run:${runId}`]);
    expect(attempts.every((attempt) => attempt.signed)).toBe(true);
    expect(await deliveriesOf(second, jobId)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })]);
  }, 180_000);

  it('delivers an alert within seconds though the poll is 10 minutes: the transaction that recorded it notifies the other instances', async () => {
    receiver.holding.add('/held-job');
    const recorder = await start(DEAF, 'alerts-recorder');
    const ids = await runJob(recorder, '/hook', '/held-job');
    await waitFor(async () => receivedAt('/held-job').length > 0, 30_000, 'the run to call the job\'s url');
    // Started while the run is in flight (and listening before it answers), it can only hear of the alert:
    // its own look at start came before it was recorded.
    const deliverer = await start({ ALERT_POLL_MS: '600000' }, 'alerts-listening');
    receiver.release('/held-job', 500);
    await waitForFailure(recorder, ids);
    await waitFor(async () => receivedAt('/hook').length > 0, 20_000, 'the alert at the receiver');
    expect(receivedAt('/hook')[0].headers['idempotency-key']).toBe(`failed:run:${ids.runId}`);
    expect(await deliveriesOf(deliverer, ids.jobId)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  }, 180_000);

  it('tries a failed delivery again when its backoff ends, not at the next poll', async () => {
    receiver.statusOf.set('/flaky-hook', 503);
    const service = await start({ ALERT_POLL_MS: '600000', ALERT_RETRY_BACKOFF_MS: '1000', SCHEDULER_TICK: '0 0 1 1 *' }, 'alerts-retrying');
    const { jobId } = await failOnce(service, '/flaky-hook');
    await waitFor(async () => receivedAt('/flaky-hook').length > 0, 20_000, 'the first attempt');
    receiver.statusOf.delete('/flaky-hook');
    await waitFor(async () => (await deliveriesOf(service, jobId)).some((delivery) => delivery.status === 'delivered'), 20_000, 'the retry to be delivered');
    expect(receivedAt('/flaky-hook')).toHaveLength(2);
    expect(await deliveriesOf(service, jobId)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })]);
  }, 180_000);
});
