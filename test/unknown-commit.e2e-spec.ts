import { RunStore } from '../src/scheduler/run-store';
import type { RunOutcome } from '../src/scheduler/sql/finish-run';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { serverUrl, withClient } from './support/test-server';

/**
 * A connection lost during the commit of an outcome (a failover between the write and its
 * acknowledgement) leaves the instance not knowing whether the outcome was written. It writes it
 * again; that second write must find its own outcome and report it recorded, with the same retry.
 */
describe('an outcome whose commit was not acknowledged', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let store: RunStore;
  const sql = <T>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    const server = new URL(serverUrl());
    proxy = await TcpProxy.start(server.hostname, Number(server.port));
    t = await startTestApp({ SCHEDULER_ENABLED: 'false', RUN_LEASE_MS: '60000' }, { reach: (url) => proxy.wrap(url) });
    store = t.app.get(RunStore);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  async function claimedRun(instanceId: string): Promise<{ runId: number; jobId: number }> {
    await sql("INSERT INTO jobs (name, schedule, max_attempts, next_run, updated_at) VALUES ('job ' || gen_random_uuid(), '0 0 1 1 *', 2, now() - interval '1 second', now())");
    const { runs } = await store.claim(10, instanceId);
    expect(runs).toHaveLength(1);
    return { runId: runs[0].id, jobId: runs[0].jobId };
  }

  const failure = (run: { runId: number; jobId: number }): RunOutcome => ({ ...run, status: 'failed', durationMs: 12, error: 'boom', output: null, retryDelayMs: 60_000 });

  it('is reported recorded when written again, with the retry the first write inserted, and written once', async () => {
    const run = await claimedRun('instance-a');
    const lost = proxy.loseAnswerTo('json_to_recordset');
    await expect(store.finish('instance-a', failure(run))).rejects.toThrow();
    await lost;

    const again = await store.finish('instance-a', failure(run));

    const rows = await sql<{ id: string; attempt: number; status: string }>('SELECT id, attempt, status FROM job_runs WHERE job_id = $1 ORDER BY attempt', [run.jobId]);
    expect(rows.map((row) => [row.attempt, row.status])).toEqual([[1, 'failed'], [2, 'retry_pending']]);
    expect(again).toEqual({ recorded: true, retryRunId: Number(rows[1].id) });
  });

  it('is still refused to another instance: the lease owner fences it', async () => {
    const run = await claimedRun('instance-a');
    await store.finish('instance-a', failure(run));

    await expect(store.finish('instance-b', failure(run))).resolves.toEqual({ recorded: false, retryRunId: null });
  });
});
