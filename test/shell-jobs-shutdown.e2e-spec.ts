import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, isRunning } from './support/processes';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

describe('shell jobs when the service shuts down', () => {
  let database: TestDatabase;
  let service: ServiceProcess | undefined;
  const folder = mkdtempSync(join(tmpdir(), 'shell-shutdown-'));
  const started: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await database?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("end the whole process group of a run still going: sh -c '… sleep 3141 & sleep 3142' leaves nothing behind", async () => {
    service = await ServiceProcess.start(
      { DATABASE_URL: database.url, SHELL_JOBS_ENABLED: 'true', SCHEDULER_TICK: '0 0 1 1 *', SHUTDOWN_GRACE_MS: '1000', SHELL_JOB_KILL_GRACE_MS: '1000' },
      'shell-shutdown',
    );
    const pidFile = join(folder, 'sh.pid');
    const created = await fetch(`${service.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'long shell',
        schedule: '0 0 1 1 *',
        isActive: false,
        type: 'shell',
        params: { command: 'sh', args: ['-c', `echo $$ > ${pidFile}; sleep 3141 & sleep 3142`] },
        timeoutMs: 3_600_000,
      }),
    });
    const job = (await created.json()) as { id: number };
    expect((await fetch(`${service.url}/jobs/${job.id}/run`, { method: 'POST' })).status).toBe(202);
    const shell = await waitFor(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 10_000, 'sh to start');
    const children = await waitFor(async () => childrenOf(shell).length === 2 && childrenOf(shell), 10_000, 'sh to start its two sleeps');
    started.push(shell, ...children);

    expect(await service.stop('SIGTERM')).toBe(0);
    await waitFor(async () => started.every((pid) => !isRunning(pid)), 5_000, `pids ${started.join(', ')} to be gone`);
  });
});
