import { countOccurrences as countWindow } from '../bench/faults/occurrence-counts';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { ServiceProcess } from './support/service-process';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const JOBS = 200;
const SECOND = 1000;

/**
 * What happened to every (job, occurrence) in [from, to], counted from the database by the fault
 * suite's counter: each must have exactly one succeeded run, whichever attempt it took.
 */
async function countOccurrences(url: string, from: Date, to: Date) {
  const counts = await countWindow(url, from, to, 2 * SECOND);
  const instances = await withClient(url, (client) =>
    client.query<{ instance_id: string }>('SELECT DISTINCT instance_id FROM job_runs WHERE instance_id IS NOT NULL ORDER BY instance_id'),
  );
  return {
    expected: counts.expected,
    lost: counts.lost,
    doubled: counts.doubled + counts.duplicates,
    stillRunning: counts.stuck,
    instances: instances.rows.map((row) => row.instance_id),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextWholeSecond = (date: Date, plus = 0) => new Date(Math.ceil(date.getTime() / SECOND) * SECOND + plus * SECOND);

describe('several instances on one database', () => {
  let database: TestDatabase;
  let slowServer: SlowHttpServer;
  let services: ServiceProcess[] = [];

  const environment = () => ({
    ...LOOPBACK_HTTP_JOBS,
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'true',
    SCHEDULER_TICK: '* * * * * *',
    SCHEDULER_CONCURRENCY: '100',
    RUN_LEASE_MS: '2000',
    SHUTDOWN_GRACE_MS: '5000',
  });

  /** Every fifth job calls a slow endpoint so that runs are in flight when something happens. */
  async function createEverySecondJobs(service: ServiceProcess): Promise<void> {
    for (let index = 0; index < JOBS; index += 1) {
      const slow = index % 5 === 0;
      const response = await fetch(`${service.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `every second ${index}`,
          schedule: '* * * * * *',
          maxAttempts: 2,
          ...(slow ? { type: 'http', params: { url: `${slowServer.url}/delay/400` } } : { params: { message: `job ${index}` } }),
        }),
      });
      expect(response.status).toBe(201);
    }
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    slowServer = await startSlowHttpServer();
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await slowServer.close();
    await database.drop();
  });

  it('runs every occurrence exactly once with three instances, and all of them take a share', async () => {
    services = await Promise.all(['a', 'b', 'c'].map((name) => ServiceProcess.start(environment(), `instance-${name}`)));
    await createEverySecondJobs(services[0]);
    const from = nextWholeSecond(new Date(), 1);
    await sleep(from.getTime() - Date.now() + 9 * SECOND);
    const to = new Date(from.getTime() + 7 * SECOND);
    const exitCodes = await Promise.all(services.map((service) => service.stop('SIGTERM')));

    expect(exitCodes).toEqual([0, 0, 0]);
    const counts = await countOccurrences(database.url, from, to);
    expect(counts).toEqual({
      expected: JOBS * 8,
      lost: 0,
      doubled: 0,
      stillRunning: 0,
      instances: ['instance-a', 'instance-b', 'instance-c'],
    });
  });

  it('loses nothing and runs nothing twice when one instance is killed with SIGKILL', async () => {
    services = await Promise.all(['a', 'b', 'c'].map((name) => ServiceProcess.start(environment(), `killed-${name}`)));
    await createEverySecondJobs(services[0]);
    const from = nextWholeSecond(new Date(), 1);
    await sleep(from.getTime() - Date.now() + 3 * SECOND);
    // Kill an instance while it has slow runs in flight, so that there is something to rescue. Which
    // instance wins each second's claims is a race, so the victim is whichever holds slow runs now.
    const victim = await waitFor(
      () =>
        withClient(database.url, async (client) => {
          const { rows } = await client.query<{ instance_id: string }>(
            `SELECT r.instance_id FROM job_runs r JOIN jobs j ON j.id = r.job_id
              WHERE r.status = 'running' AND j.type = 'http' AND r.started_at > now() - interval '250 milliseconds'
              GROUP BY r.instance_id ORDER BY count(*) DESC LIMIT 1`,
          );
          return rows[0]?.instance_id;
        }),
      5 * SECOND,
      'an instance to have slow runs in flight',
    );
    const killed = services.findIndex((service) => service.instanceId === victim);
    await services[killed].stop('SIGKILL');
    // The victim's leases (2 s) expire and a tick of a survivor rescues its runs.
    await sleep(6 * SECOND);
    const to = new Date(from.getTime() + 8 * SECOND);
    const survivors = await Promise.all(services.filter((_, index) => index !== killed).map((service) => service.stop('SIGTERM')));

    expect(survivors).toEqual([0, 0]);
    const counts = await countOccurrences(database.url, from, to);
    expect(counts).toMatchObject({ expected: JOBS * 9, lost: 0, doubled: 0, stillRunning: 0 });
    const abandoned = await withClient(database.url, (client) =>
      client.query<{ count: string }>("SELECT count(*) FROM job_runs WHERE status = 'abandoned' AND instance_id = $1", [victim]),
    );
    // The kill landed while slow runs were in flight, so some were abandoned and then retried elsewhere.
    expect(Number(abandoned.rows[0].count)).toBeGreaterThan(0);
  });
});
