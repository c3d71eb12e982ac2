import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const CLI = resolve(__dirname, '../dist/cli/main.js');
const TOKENS = { reader: 'cli-reader', admin: 'cli-admin' };

/** The built CLI (dist/cli/main.js) as a CI pipeline runs it, against a real process of the service. */
describe('the job-scheduler CLI', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let folder: string;

  const cli = (args: string[], environment: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', SCHEDULER_URL: service.url, SCHEDULER_TOKEN: TOKENS.admin, ...environment },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  const JOBS = `version: 1
jobs:
  - name: Nightly backup
    schedule: "0 3 * * *"
    tags: [backup]
  - name: Daily report
    schedule: "0 9 * * 1-5"
    timezone: Europe/Paris
`;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
    database = await createTestDatabase();
    service = await ServiceProcess.start(
      { DATABASE_URL: database.url, SCHEDULER_TICK: '* * * * * *', API_KEYS: `ci:reader:${TOKENS.reader},lead:admin:${TOKENS.admin}` },
      'cli-e2e',
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('applies a YAML file: a dry run exits 5 while changes are pending, the apply 0, and then the dry run 0', async () => {
    const jobs = file('jobs.yaml', JOBS);
    const plan = await cli(['apply', '-f', jobs, '--dry-run']);
    expect(plan).toMatchObject({ code: 5, stderr: '' });
    expect(plan.stdout).toBe('+ Nightly backup\n+ Daily report\ndry run: 2 to create, 0 to change, 0 to delete, 0 unchanged\n');

    const applied = await cli(['apply', '-f', jobs]);
    expect(applied).toMatchObject({ code: 0, stdout: expect.stringContaining('applied: 2 created, 0 changed, 0 deleted, 0 unchanged') });
    expect(await cli(['apply', '-f', jobs, '--dry-run'])).toMatchObject({ code: 0, stdout: 'dry run: 0 to create, 0 to change, 0 to delete, 2 unchanged\n' });
  });

  it('shows the field diff of a change and prunes only with --prune', async () => {
    await cli(['apply', '-f', file('base.yaml', JOBS)]);
    const next = file('next.yaml', JOBS.replace('"0 3 * * *"', '"30 3 * * *"').replace(/ {2}- name: Daily report[\s\S]*$/, ''));
    const plan = await cli(['apply', '-f', next, '--dry-run', '--prune']);
    expect(plan.code).toBe(5);
    expect(plan.stdout).toBe('~ Nightly backup\n    schedule: 0 3 * * * -> 30 3 * * *\n- Daily report\ndry run: 0 to create, 1 to change, 1 to delete, 0 unchanged\n');
    expect((await cli(['apply', '-f', next])).code).toBe(0);
    expect((await cli(['list'])).stdout).toContain('Daily report');
    expect((await cli(['apply', '-f', next, '--prune'])).code).toBe(0);
    expect((await cli(['list'])).stdout).not.toContain('Daily report');
    await cli(['apply', '-f', file('restore.yaml', JOBS)]);
  });

  it('exits 3 with the service’s message for an invalid document, changing nothing', async () => {
    await cli(['apply', '-f', file('good.yaml', JOBS)]);
    const bad = file('bad.yaml', `${JOBS}  - name: Broken\n    schedule: "61 * * * *"\n`);
    const result = await cli(['apply', '-f', bad, '--prune']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: POST \/jobs\/apply answered 400: jobs\[2\]\.schedule: .*\(job "Broken"\)/);
    expect((await cli(['list'])).stdout).not.toContain('Broken');
  });

  it('exports the jobs as YAML, which applies back unchanged, and as JSON with --format json', async () => {
    await cli(['apply', '-f', file('seed.yaml', JOBS)]);
    const exported = await cli(['export']);
    expect(exported.code).toBe(0);
    const document = parse(exported.stdout) as { jobs: { name: string }[] };
    expect(document.jobs.map((job) => job.name)).toEqual(['Daily report', 'Nightly backup']);
    expect(await cli(['apply', '-f', file('exported.yaml', exported.stdout), '--dry-run', '--prune'])).toMatchObject({ code: 0 });
    const json = await cli(['export', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(document);
  });

  it('lists the jobs, runs one by name and shows its runs', async () => {
    await cli(['apply', '-f', file('list.yaml', JOBS)]);
    const list = await cli(['list', '--tag', 'backup']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+SCHEDULE/);
    expect(list.stdout).toContain('Nightly backup');
    expect(list.stdout).not.toContain('Daily report');

    const run = await cli(['run', 'Nightly backup']);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^run \d+ of "Nightly backup" requested\n$/) });
    const runs = await waitFor(async () => {
      const result = await cli(['runs', 'Nightly backup', '--status', 'succeeded']);
      return result.stdout.includes('succeeded') && result;
    }, 30_000, 'the run to succeed');
    expect(runs.code).toBe(0);
    expect((await cli(['runs', 'No such job'])).code).toBe(3);
  });

  it('exits 4 without the right token, 1 when the service cannot be reached and 2 on bad arguments', async () => {
    const jobs = file('roles.yaml', JOBS.replace('Nightly backup', 'Created by a reader'));
    const refused = await cli(['apply', '-f', jobs], { SCHEDULER_TOKEN: TOKENS.reader });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('needs admin');
    expect((await cli(['list'], { SCHEDULER_TOKEN: 'wrong' })).code).toBe(4);
    expect((await cli(['list', '--url', 'http://127.0.0.1:9'])).code).toBe(1);
    expect((await cli(['apply'])).code).toBe(2);
    expect((await cli(['apply', '-f', join(folder, 'missing.yaml')])).code).toBe(2);
    expect((await cli(['list', '--limit', 'x'])).code).toBe(2);
  });
});
