import { parse } from 'yaml';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

const TOKENS = { reader: 'reader-token', operator: 'operator-token', admin: 'admin-token' };
type Caller = keyof typeof TOKENS;

describe('jobs as code: GET /jobs/export and POST /jobs/apply', () => {
  let t: TestApp;
  const as = (caller: Caller) => ({ authorization: `Bearer ${TOKENS[caller]}` });
  const names = async () =>
    withClient(t.database.url, async (client) => (await client.query<{ name: string }>('SELECT name FROM jobs ORDER BY name')).rows.map((row) => row.name));
  const rowsOf = () => withClient(t.database.url, async (client) => (await client.query('SELECT * FROM jobs ORDER BY name')).rows);
  const apply = (document: unknown, query = '', caller: Caller = 'admin') =>
    t.http.post(`/jobs/apply${query}`).set(as(caller)).send(document as object);
  const reset = () => withClient(t.database.url, (client) => client.query('DELETE FROM jobs'));

  const nightly = {
    name: 'Nightly backup',
    schedule: '0 3 * * *',
    type: 'http',
    params: { url: 'http://127.0.0.1:9/backup', method: 'POST', headers: { authorization: 'Bearer backup-secret' } },
    tags: ['backup'],
  };
  const report = { name: 'Daily report', schedule: '0 9 * * 1-5', timezone: 'Europe/Paris', description: 'to the board' };

  beforeAll(async () => {
    t = await startTestApp({
      ...LOOPBACK_HTTP_JOBS,
      SCHEDULER_ENABLED: 'false',
      API_KEYS: `ci:reader:${TOKENS.reader},on-call:operator:${TOKENS.operator},lead:admin:${TOKENS.admin}`,
    });
  });
  afterAll(() => t.close());
  beforeEach(reset);

  it('creates the jobs of a document, answering what it created', async () => {
    const { body } = await apply({ version: 1, jobs: [nightly, report] }).expect(200);
    expect(body).toEqual({ dryRun: false, requiredRole: 'admin', created: ['Nightly backup', 'Daily report'], changed: [], deleted: [], unchanged: [] });
    const [daily, backup] = await rowsOf();
    expect(backup).toMatchObject({ name: 'Nightly backup', type: 'http', tags: ['backup'], is_active: true, max_attempts: 1 });
    expect(backup.next_run).toBeInstanceOf(Date);
    expect(daily).toMatchObject({ timezone: 'Europe/Paris', description: 'to the board', type: 'log', params: { level: 'log' } });
  });

  it('exports every job as YAML or JSON by Accept, and applying the export changes nothing', async () => {
    await apply({ jobs: [nightly, report] }).expect(200);
    const yaml = await t.http.get('/jobs/export').set(as('admin')).set('accept', 'application/yaml').expect(200).expect('content-type', /application\/yaml/);
    const document = parse(yaml.text) as { version: number; jobs: Record<string, unknown>[] };
    expect(document.version).toBe(1);
    expect(document.jobs.map((job) => job.name)).toEqual(['Daily report', 'Nightly backup']);
    expect(document.jobs[1]).toEqual({
      name: 'Nightly backup',
      description: null,
      schedule: '0 3 * * *',
      timezone: 'UTC',
      type: 'http',
      params: nightly.params,
      tags: ['backup'],
      isActive: true,
      overlapPolicy: 'allow',
      misfirePolicy: 'run_once',
      maxAttempts: 1,
      retryBackoffMs: 1000,
      timeoutMs: 60000,
      maxConcurrency: null,
      jitterMs: 0,
      maxCatchUp: 10,
      notify: null,
    });
    const json = await t.http.get('/jobs/export').set(as('admin')).expect(200).expect('content-type', /json/);
    expect(json.body).toEqual(document);

    const before = await rowsOf();
    const { body } = await t.http.post('/jobs/apply').set(as('admin')).set('content-type', 'application/yaml').send(yaml.text).expect(200);
    expect(body).toMatchObject({ created: [], changed: [], deleted: [], unchanged: ['Daily report', 'Nightly backup'] });
    expect(await rowsOf()).toEqual(before);
  });

  it('restores a deleted job from an export', async () => {
    await apply({ jobs: [nightly, report] }).expect(200);
    const backup = (await t.http.get('/jobs/export').set(as('admin')).expect(200)).body;
    await reset();
    await apply(backup).expect(200);
    expect((await t.http.get('/jobs/export').set(as('admin')).expect(200)).body).toEqual(backup);
  });

  it('carries maxConcurrency: exported, changed by an apply with its diff, and refused above 1 with forbid, naming the job', async () => {
    await apply({ jobs: [{ ...nightly, maxConcurrency: 3 }] }).expect(200);
    expect((await t.http.get('/jobs/export').set(as('admin')).expect(200)).body.jobs[0]).toMatchObject({ name: 'Nightly backup', maxConcurrency: 3 });
    const { body } = await apply({ jobs: [{ ...nightly, maxConcurrency: 5 }] }).expect(200);
    expect(body.changed).toEqual([{ name: 'Nightly backup', changes: { maxConcurrency: { from: 3, to: 5 } } }]);
    expect((await apply({ jobs: [nightly] }, '?dryRun=true').expect(200)).body.changed).toEqual([
      { name: 'Nightly backup', changes: { maxConcurrency: { from: 5, to: null } } },
    ]);

    const refused = await apply({ jobs: [report, { ...nightly, overlapPolicy: 'forbid', maxConcurrency: 2 }] }).expect(400);
    expect(refused.body.fields).toEqual([{ field: 'jobs[1].maxConcurrency', message: expect.stringContaining('(job "Nightly backup")') }]);
    expect((await rowsOf()).map((row) => [row.name, row.max_concurrency])).toEqual([['Nightly backup', 5]]);
  });

  it('answers the plan of a dry run, with a diff of each changed field, and changes nothing', async () => {
    await apply({ jobs: [nightly, report, { name: 'Old cleanup', schedule: '0 4 * * 0' }] }).expect(200);
    const before = await rowsOf();
    const next = { jobs: [{ ...nightly, schedule: '30 3 * * *', tags: ['backup', 'db'] }, report, { name: 'New digest', schedule: '0 7 * * *' }] };
    const { body } = await apply(next, '?dryRun=true&prune=true').expect(200);
    expect(body).toEqual({
      dryRun: true,
      requiredRole: 'admin',
      created: ['New digest'],
      changed: [{ name: 'Nightly backup', changes: { schedule: { from: '0 3 * * *', to: '30 3 * * *' }, tags: { from: ['backup'], to: ['backup', 'db'] } } }],
      deleted: ['Old cleanup'],
      unchanged: ['Daily report'],
    });
    expect(await rowsOf()).toEqual(before);
  });

  it('updates the jobs a document changes and deletes the ones it leaves out only with prune', async () => {
    await apply({ jobs: [nightly, report, { name: 'Old cleanup', schedule: '0 4 * * 0' }] }).expect(200);
    const next = { jobs: [{ ...nightly, schedule: '30 3 * * *' }, report] };
    const kept = await apply(next).expect(200);
    expect(kept.body).toMatchObject({ changed: [{ name: 'Nightly backup' }], deleted: [] });
    expect(await names()).toEqual(['Daily report', 'Nightly backup', 'Old cleanup']);
    const pruned = await apply(next, '?prune=true').expect(200);
    expect(pruned.body).toMatchObject({ changed: [], deleted: ['Old cleanup'], unchanged: ['Nightly backup', 'Daily report'] });
    expect(await names()).toEqual(['Daily report', 'Nightly backup']);
    const [, backup] = await rowsOf();
    expect(backup.schedule).toBe('30 3 * * *');
  });

  it.each([
    ['a bad schedule', { name: 'Broken', schedule: '61 * * * *' }, 'jobs[1].schedule'],
    ['an unknown type', { name: 'Broken', schedule: '0 1 * * *', type: 'ftp' }, 'jobs[1].type'],
    ['bad params', { name: 'Broken', schedule: '0 1 * * *', type: 'http', params: { url: 'not a url' } }, 'jobs[1].params.url'],
    ['an unknown field', { name: 'Broken', schedule: '0 1 * * *', colour: 'red' }, 'jobs[1].colour'],
    ['a bad tag', { name: 'Broken', schedule: '0 1 * * *', tags: ['no spaces'] }, 'jobs[1].tags'],
    ['a repeated name', { name: 'Daily report', schedule: '0 1 * * *' }, 'jobs[1].name'],
  ])('refuses a document with %s: a 400 naming the job and the field, nothing applied', async (_what, bad, field) => {
    await apply({ jobs: [{ name: 'Old cleanup', schedule: '0 4 * * 0' }] }).expect(200);
    const before = await rowsOf();
    const { body } = await apply({ jobs: [report, bad, nightly] }, '?prune=true').expect(400);
    expect(body.fields).toContainEqual({ field, message: expect.stringContaining(`(job "${bad.name}")`) });
    expect(await rowsOf()).toEqual(before);
  });

  it.each([
    ['no jobs list', { version: 1 }, 'jobs'],
    ['another version', { version: 2, jobs: [] }, 'version'],
    ['a job that is not an object', { jobs: ['x'] }, 'jobs[0]'],
  ])('refuses a document with %s with a 400 naming %s', async (_what, document, field) => {
    const { body } = await apply(document).expect(400);
    expect(body.fields.map((problem: { field: string }) => problem.field)).toContain(field);
  });

  it('writes an audit entry for each job an apply creates, changes, pauses or deletes, and none for a dry run or a refused document', async () => {
    const entries = () =>
      withClient(t.database.url, async (client) => (await client.query('SELECT actor, action, job_name AS "jobName", changes FROM audit_entries ORDER BY id')).rows);
    await withClient(t.database.url, (client) => client.query('DELETE FROM audit_entries'));
    await apply({ version: 1, jobs: [nightly, report] }).expect(200);
    await apply({ version: 1, jobs: [nightly, { ...report, schedule: '0 8 * * 1-5' }] }, '?dryRun=true').expect(200);
    await apply({ version: 1, jobs: [{ ...nightly, schedule: 'not cron' }] }).expect(400);
    await apply({ version: 1, jobs: [{ ...nightly, isActive: false }, { ...report, description: 'to the team' }] }).expect(200);
    await apply({ version: 1, jobs: [{ ...report, description: 'to the team' }] }, '?prune=true').expect(200);
    expect((await entries()).map(({ actor, action, jobName }) => `${actor} ${action} ${jobName}`)).toEqual([
      'lead create Nightly backup',
      'lead create Daily report',
      'lead pause Nightly backup',
      'lead update Daily report',
      'lead delete Nightly backup',
    ]);
    const changes = (await entries()).map((entry) => entry.changes);
    expect(changes[2]).toEqual([{ field: 'isActive', before: true, after: false }]);
    expect(changes[3]).toEqual([{ field: 'description', before: 'to the board', after: 'to the team' }]);
    expect(JSON.stringify(changes)).not.toContain('backup-secret');
  });

  it('refuses YAML that does not parse with a 400, and bad query flags with a 400 naming them', async () => {
    const { body } = await t.http.post('/jobs/apply').set(as('admin')).set('content-type', 'application/yaml').send('jobs: [unclosed').expect(400);
    expect(body.message).toMatch(/^body: is not valid YAML/);
    const flag = await apply({ jobs: [] }, '?dryRun=maybe').expect(400);
    expect(flag.body.fields.map((problem: { field: string }) => problem.field)).toEqual(['dryRun']);
  });

  it('hides secrets from the export of a non-admin, and refuses to apply the redaction marker back', async () => {
    await apply({ jobs: [nightly] }).expect(200);
    const { body } = await t.http.get('/jobs/export').set(as('reader')).expect(200);
    expect(body.jobs[0].params.headers.authorization).toBe('[redacted]');
    const yaml = await t.http.get('/jobs/export').set(as('operator')).set('accept', 'application/yaml').expect(200);
    expect(yaml.text).not.toContain('backup-secret');
    const refused = await apply(body).expect(400);
    expect(refused.body.fields).toEqual([{ field: 'jobs[0].params', message: expect.stringContaining('put the secrets back') }]);
  });

  it('lets an operator apply a document that only pauses or resumes, a reader only dry-run, and anything more only an admin', async () => {
    await apply({ jobs: [nightly, report] }).expect(200);
    const paused = { jobs: [{ ...nightly, isActive: false }, report] };
    expect((await apply(paused, '?dryRun=true', 'reader').expect(200)).body.requiredRole).toBe('operator');
    await apply(paused, '', 'reader').expect(403);
    await apply(paused, '', 'operator').expect(200);
    expect((await rowsOf())[1].is_active).toBe(false);

    const created = { jobs: [nightly, report, { name: 'Extra', schedule: '0 1 * * *' }] };
    const { body } = await apply(created, '', 'operator').expect(403);
    expect(body.message).toMatch(/needs admin/);
    expect(await names()).toEqual(['Daily report', 'Nightly backup']);
  });
});
