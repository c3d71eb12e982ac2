import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { childrenOf, isRunning } from './support/processes';
import { SchedulerDriver } from './support/scheduler-driver';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/** True while a process with this pid exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const KILL_GRACE_MS = 1500;

// Configuration is read once per test file: this one enables shell jobs. That they are refused
// when disabled is covered in jobs.e2e-spec.ts.
describe('shell jobs, enabled', () => {
  let t: TestApp;
  let driver: SchedulerDriver;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shell-jobs-'));
    t = await startTestApp({
      SHELL_JOBS_ENABLED: 'true',
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_TICK: '0 0 1 1 *',
      RUN_LEASE_MS: '3000',
      SHUTDOWN_GRACE_MS: '2000',
      SHELL_JOB_KILL_GRACE_MS: String(KILL_GRACE_MS),
    });
    driver = new SchedulerDriver(t, t.app.get(SchedulerService));
  });
  afterAll(async () => {
    await t?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const node = (script: string, ...rest: string[]) => ({ command: process.execPath, args: ['-e', script, ...rest] });

  async function runOnce(params: Record<string, unknown>, job: Record<string, unknown> = {}) {
    const created = await driver.createDueJob({ type: 'shell', params, ...job });
    const [run] = await driver.tickAndWaitForRuns(created.id);
    return run;
  }

  it('are listed as available in GET /job-types', async () => {
    const { body } = await t.http.get('/job-types').expect(200);
    expect(body).toContainEqual({ type: 'shell', available: true, unavailableReason: null });
  });

  it('are accepted at the API', async () => {
    const { body } = await t.http
      .post('/jobs')
      .send({ name: 'backup', schedule: '0 3 * * *', type: 'shell', params: { command: 'pg_dump', args: ['--version'] } })
      .expect(201);
    expect(body.params).toEqual({ command: 'pg_dump', args: ['--version'], env: {} });
  });

  it('still refuse params the type does not know', async () => {
    const response = await t.http
      .post('/jobs')
      .send({ name: 'bad shell', schedule: '0 3 * * *', type: 'shell', params: { command: 'ls', shell: true } })
      .expect(400);
    expect(response.body.message).toContain('params.shell: is not a known field');
  });

  it('succeed with what the command printed as output', async () => {
    const run = await runOnce(node("console.log('hi')"));
    expect(run).toMatchObject({ status: 'succeeded', output: 'hi', error: null, attempt: 1 });
  });

  it('fail on a non-zero exit, with the exit code and what the command printed in the error', async () => {
    const run = await runOnce(node("console.error('disk full'); process.exit(3)"));
    expect(run.status).toBe('failed');
    expect(run.error).toContain('exited with code 3');
    expect(run.error).toContain('disk full');
    expect(run.output).toBeNull();
  });

  it('pass args to the program as they are, without a shell', async () => {
    const run = await runOnce(node('console.log(process.argv[1])', '$HOME; echo injected'));
    expect(run).toMatchObject({ status: 'succeeded', output: '$HOME; echo injected' });
  });

  it('run in cwd with PATH, HOME, LANG and the job\'s env, and nothing of the service\'s environment', async () => {
    const run = await runOnce({
      ...node('console.log(process.cwd() + " " + JSON.stringify(process.env))'),
      cwd: folder,
      env: { GREETING: 'hello', LANG: 'fr_FR.UTF-8' },
    });
    expect(run.status).toBe('succeeded');
    const [cwd, environment] = [run.output!.slice(0, folder.length), JSON.parse(run.output!.slice(folder.length + 1))];
    expect(cwd).toBe(folder);
    expect(environment).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: userInfo().homedir, LANG: 'fr_FR.UTF-8', GREETING: 'hello' });
  });

  it('fail when the command does not exist, saying so', async () => {
    const run = await runOnce({ command: 'no-such-command-7f3a' });
    expect(run.status).toBe('failed');
    expect(run.error).toContain('ENOENT');
  });

  it('are killed when they run past timeoutMs, and end timed_out', async () => {
    const pidFile = join(folder, 'sleeper.pid');
    const job = await driver.createDueJob({
      type: 'shell',
      params: node(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`),
      timeoutMs: 1500,
    });
    const ticked = Date.now();
    const [run] = await driver.tickAndWaitForRuns(job.id);
    expect(Date.now() - ticked).toBeLessThan(5_000);
    expect(run).toMatchObject({ status: 'timed_out', error: 'timed out after 1500 ms' });
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    await waitFor(async () => !isAlive(pid), 5_000, `the timed-out command (pid ${pid}) to be killed`);
  });

  describe('process groups', () => {
    const started: number[] = [];
    afterEach(() => {
      // On a regression the processes would live on; they are not left to the rest of the suite.
      for (const pid of started.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    });

    /** Runs `script` in sh now, and the pids of sh and of the two processes it starts. */
    async function runScript(script: string, timeoutMs: number) {
      const pidFile = join(folder, `sh-${Date.now()}.pid`);
      const { body: job } = await t.http
        .post('/jobs')
        .send({ name: `group ${pidFile}`, schedule: '0 0 1 1 *', isActive: false, type: 'shell', params: { command: 'sh', args: ['-c', `echo $$ > ${pidFile}; ${script}`] }, timeoutMs })
        .expect(201);
      await t.http.post(`/jobs/${job.id}/run`).expect(202);
      const shell = await waitFor(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 10_000, 'sh to start');
      const children = await waitFor(async () => childrenOf(shell).length === 2 && childrenOf(shell), 10_000, 'sh to start its two processes');
      started.push(shell, ...children);
      const run = await waitFor(async () => {
        const [latest] = (await t.http.get(`/jobs/${job.id}/runs`).expect(200)).body.data;
        return ['succeeded', 'failed', 'timed_out'].includes(latest?.status) && latest;
      }, 20_000, `the run of job ${job.id} to finish`);
      return { run, pids: [shell, ...children] };
    }

    it("kill the whole group on a timeout: sh -c 'sleep 3131 & sleep 3132' leaves no process behind", async () => {
      const { run, pids } = await runScript('sleep 3131 & sleep 3132', 1500);
      expect(run).toMatchObject({ status: 'timed_out', error: 'timed out after 1500 ms' });
      await waitFor(async () => pids.every((pid) => !isRunning(pid)), 5_000, `pids ${pids.join(', ')} to be gone`);
    });

    it('send SIGKILL after SHELL_JOB_KILL_GRACE_MS to a group that ignores SIGTERM', async () => {
      const { run, pids } = await runScript("trap '' TERM; sleep 3133 & sleep 3134", 1000);
      expect(run.status).toBe('timed_out');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pids.every(isRunning)).toBe(true);
      await waitFor(async () => pids.every((pid) => !isRunning(pid)), KILL_GRACE_MS + 5_000, `pids ${pids.join(', ')} to be killed`);
    });

    it('end what a command left running in its group once it exits', async () => {
      const { run, pids } = await runScript('sleep 3135 > /dev/null & sleep 0.5', 20_000);
      expect(run.status).toBe('succeeded');
      await waitFor(async () => pids.every((pid) => !isRunning(pid)), 5_000, `pids ${pids.join(', ')} to be gone`);
    });
  });
});
