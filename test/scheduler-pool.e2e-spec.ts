import type { ConfigService } from '@nestjs/config';
import type { Environment } from '../src/config/environment';
import type { DatabaseTarget } from '../src/database/database-target';
import { createPool } from '../src/database/pg-pool';
import { SchedulerPool } from '../src/scheduler/scheduler-pool';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';

/**
 * Found by the fault suite's "backends killed" scenario (bench/faults), which saw instances exit on
 * an unhandled 'error' event of a pg client: checked out between two statements, or handed out of
 * the pool in the same TCP read that brought the FATAL of its terminated backend.
 */
describe('the service\'s pg pools when backends are terminated', () => {
  let database: TestDatabase;
  let scheduler: SchedulerPool;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = { get: () => 2 } as unknown as ConfigService<Environment, true>;
    scheduler = new SchedulerPool({ url: database.url } as DatabaseTarget, config);
  });

  afterAll(async () => {
    await scheduler.beforeApplicationShutdown();
    await database.drop();
  });

  it('rolls the transaction back and lives on, rather than dying of an unhandled error event', async () => {
    const claim = scheduler.transaction(async (client) => {
      await client.query("UPDATE jobs SET name = name WHERE false");
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // Between two statements, as when the claim computes next runs: the connection is checked out, idle.
      await withClient(database.url, (admin) => admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 1');
    });

    await expect(claim).rejects.toThrow();
    const { rows } = await scheduler.pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await expect(scheduler.transaction((client) => client.query('SELECT 2 AS two').then((result) => result.rows))).resolves.toEqual([{ two: 2 }]);
  });

  it('gives every client a listener of its own, so an error before its user attaches one cannot end the process', async () => {
    const pool = createPool({ connectionString: database.url, max: 1 }, () => undefined);
    try {
      const client = await pool.connect();
      // What pg does when the FATAL of a terminated backend arrives before the awaiting code has run.
      expect(() => client.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
      client.release();
      for (const instance of [pool, scheduler.pool]) {
        const reused = await instance.connect();
        expect(reused.listenerCount('error')).toBeGreaterThan(0);
        reused.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('keeps one connection open while idle past the idle timeout, so an idle instance\'s minute of work starts no new backend', async () => {
    // The idle timeout shortened from pg's 10 s, only to spare the test the wait.
    const pool = createPool({ connectionString: database.url, max: 3, idleTimeoutMillis: 300 }, () => undefined);
    const backend = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    try {
      // A burst opens three connections; the idle ones beyond the first close, that one stays.
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.2)')));
      expect(pool.totalCount).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(pool.totalCount).toBe(1);
      const kept = await backend();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await backend()).toBe(kept);
    } finally {
      await pool.end();
    }
  });
});
