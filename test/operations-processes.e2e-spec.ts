import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const REDIS_URL = 'redis://127.0.0.1:6379';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('operations, across real processes', () => {
  let database: TestDatabase;
  let services: ServiceProcess[] = [];
  let proxy: TcpProxy | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await proxy?.close();
    proxy = undefined;
    await database.drop();
  });

  it('refuses to start in production without API_TOKENS, and says why', () => {
    const result = spawnSync(process.execPath, [resolve(__dirname, '../dist/main.js')], {
      env: { ...process.env, NODE_ENV: 'production', API_TOKENS: '', DATABASE_URL: database.url },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr + result.stdout).toContain('API_TOKENS');
    expect(result.stderr + result.stdout).toContain('must hold a token when NODE_ENV=production');
  });

  it('turns readiness to 503 naming the database while PostgreSQL is unreachable, and back to 200 after', async () => {
    const server = new URL(database.url);
    proxy = await TcpProxy.start(server.hostname, Number(server.port));
    const service = await ServiceProcess.start(
      { DATABASE_URL: proxy.wrap(database.url), SCHEDULER_TICK: '* * * * * *', DATABASE_POOL_TIMEOUT_MS: '1000' },
      'readiness',
    );
    services = [service];
    expect((await json(`${service.url}/health`)).status).toBe(200);

    proxy.cut();
    const down = await waitFor(async () => {
      const health = await json(`${service.url}/health`);
      return health.status === 503 && health;
    });
    expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } }, details: { database: { status: 'down' } } });
    expect((await json(`${service.url}/health/live`)).status).toBe(200);
    const jobsDown = await json(`${service.url}/jobs`);
    if (jobsDown.status !== 503) throw new Error(`GET /jobs answered ${jobsDown.status}; service log:\n${service.output.join('').slice(-4000)}`);
    expect(jobsDown.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    proxy.restore();
    const up = await waitFor(async () => {
      const health = await json(`${service.url}/health`);
      return health.status === 200 && health;
    }, 15_000);
    expect(up.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, scheduler: { status: 'up' } } });
    expect(service.child.exitCode).toBeNull();
    const output = service.output.join('');
    expect(output.match(/the scheduler tick failed/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  describe('with Redis', () => {
    const prefix = `test-${randomBytes(4).toString('hex')}:`;
    const environment = () => ({
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      CACHE_TTL_MS: '60000',
      SCHEDULER_TICK: '* * * * * *',
    });

    it('serves a reader the writer’s change at once, although entries live for a minute', async () => {
      const [reader, writer] = await Promise.all([
        ServiceProcess.start(environment(), 'reader'),
        ServiceProcess.start({ ...environment(), SCHEDULER_ENABLED: 'false' }, 'writer'),
      ]);
      services = [reader, writer];
      const created = await json(`${writer.url}/jobs`, {
        method: 'POST',
        body: JSON.stringify({ name: 'cached', schedule: '0 0 1 1 *', description: 'first' }),
      });
      const id = created.body.id as number;
      expect((await json(`${reader.url}/jobs/${id}`)).body.description).toBe('first');
      expect(((await json(`${reader.url}/jobs?search=cached`)).body.data as { description: string }[])[0].description).toBe('first');

      // Behind the API's back the cache still answers: proof that the reader is served from Redis.
      await withClient(database.url, (client) => client.query("UPDATE jobs SET description = 'edited in SQL' WHERE id = $1", [id]));
      expect((await json(`${reader.url}/jobs/${id}`)).body.description).toBe('first');

      for (const description of ['second', 'third']) {
        const patched = await json(`${writer.url}/jobs/${id}`, { method: 'PATCH', body: JSON.stringify({ description }) });
        expect(patched.status).toBe(200);
        expect((await json(`${reader.url}/jobs/${id}`)).body.description).toBe(description);
        expect(((await json(`${reader.url}/jobs?search=cached`)).body.data as { description: string }[])[0].description).toBe(description);
      }
    });

    it('invalidates a cached job when the scheduler runs it', async () => {
      const [scheduler, api] = await Promise.all([
        ServiceProcess.start(environment(), 'scheduler'),
        ServiceProcess.start({ ...environment(), SCHEDULER_ENABLED: 'false' }, 'api'),
      ]);
      services = [scheduler, api];
      // Due once a minute, a few seconds from now: the scheduler wakes at once for a job due now, so the
      // read that caches the job must come before its first run.
      const second = (new Date().getUTCSeconds() + 6) % 60;
      const created = await json(`${api.url}/jobs`, { method: 'POST', body: JSON.stringify({ name: 'ticking', schedule: `${second} * * * * *` }) });
      const id = created.body.id as number;
      expect((await json(`${api.url}/jobs/${id}`)).body.lastRun).toBeNull();
      const ran = await waitFor(async () => {
        const job = (await json(`${api.url}/jobs/${id}`)).body;
        return job.lastStatus === 'succeeded' && job;
      }, 30_000);
      const [row] = await withClient(database.url, async (client) =>
        (await client.query<{ last_run: Date }>('SELECT last_run FROM jobs WHERE id = $1', [id])).rows,
      );
      expect(new Date(ran.lastRun as string).getTime()).toBeLessThanOrEqual(row.last_run.getTime());
    });

    it('holds the rate limit across instances', async () => {
      // A prefix of its own: the other tests' requests must not count against this limit.
      const limited = {
        ...environment(),
        REDIS_KEY_PREFIX: `${prefix}limit:`,
        THROTTLE_LIMIT: '6',
        THROTTLE_TTL_MS: '60000',
        SCHEDULER_ENABLED: 'false',
      };
      services = await Promise.all([ServiceProcess.start(limited, 'limited-a'), ServiceProcess.start(limited, 'limited-b')]);
      const statuses: number[] = [];
      for (let request = 0; request < 10; request += 1) {
        statuses.push((await fetch(`${services[request % 2].url}/jobs`)).status);
      }
      expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
    });
  });
});
