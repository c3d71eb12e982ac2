import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResponse } from '../src/api-client/api-types';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const DISABLED = 'shell jobs are disabled on this service; an operator can enable them with SHELL_JOBS_ENABLED=true';

// A service restarted with SHELL_JOBS_ENABLED=false (the default) over a database that still holds
// the shell jobs created while it was true: they stay in the database, written there as they were.
describe('shell jobs created before SHELL_JOBS_ENABLED was turned off', () => {
  let t: TestApp;
  const folder = mkdtempSync(join(tmpdir(), 'shell-disabled-'));

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'true', SCHEDULER_TICK: '0 0 1 1 *' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A shell job as a service with shell jobs enabled would have stored it, and the file its command would create. */
  async function existingShellJob(): Promise<{ id: number; marker: string }> {
    const marker = join(folder, `ran-${Date.now()}`);
    const [{ id }] = await withClient(t.database.url, async (client) =>
      (
        await client.query<{ id: number }>(
          `INSERT INTO jobs (name, schedule, type, params, is_active, updated_at)
           VALUES ($1, '0 0 1 1 *', 'shell', $2, false, now()) RETURNING id`,
          [`touch ${marker}`, JSON.stringify({ command: 'touch', args: [marker], env: {} })],
        )
      ).rows,
    );
    return { id, marker };
  }

  it('lists shell as a type this service refuses, saying why, in GET /job-types', async () => {
    const { body } = await t.http.get('/job-types').expect(200);
    expect(body).toEqual([
      { type: 'http', available: true, unavailableReason: null },
      { type: 'log', available: true, unavailableReason: null },
      { type: 'shell', available: false, unavailableReason: DISABLED },
    ]);
  });

  it('fails a run asked for now, without running the command, saying why', async () => {
    const { id, marker } = await existingShellJob();
    await t.http.post(`/jobs/${id}/run`).expect(202);
    const run = await waitFor(async () => {
      const [latest] = (await t.http.get(`/jobs/${id}/runs`).expect(200)).body.data as RunResponse[];
      return latest && latest.status !== 'retry_pending' && latest.status !== 'running' && latest;
    }, 20_000, `the run of job ${id} to finish`);
    expect(run).toMatchObject({ status: 'failed', error: `not run: ${DISABLED}`, output: null });
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['resumed', { isActive: true }],
    ['renamed', { name: 'renamed shell job' }],
    ['given new params', { params: { command: 'id' } }],
    ['kept a shell job explicitly', { type: 'shell', params: { command: 'id' } }],
  ])('cannot be %s', async (_what, change) => {
    const { id } = await existingShellJob();
    const before = (await t.http.get(`/jobs/${id}`).expect(200)).body;
    const { body } = await t.http.patch(`/jobs/${id}`).send(change).expect(400);
    expect(body.fields).toEqual([{ field: 'type', message: expect.stringContaining(DISABLED) }]);
    expect((await t.http.get(`/jobs/${id}`).expect(200)).body).toEqual(before);
  });

  it('can be given another type', async () => {
    const { id } = await existingShellJob();
    const { body } = await t.http.patch(`/jobs/${id}`).send({ type: 'log', params: { message: 'no longer a command' } }).expect(200);
    expect(body).toMatchObject({ type: 'log', params: { message: 'no longer a command', level: 'log' } });
  });

  it('can be deleted', async () => {
    const { id } = await existingShellJob();
    await t.http.delete(`/jobs/${id}`).expect(204);
    await t.http.get(`/jobs/${id}`).expect(404);
  });
});
