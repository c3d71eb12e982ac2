import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

describe('job tags', () => {
  let t: TestApp;
  const create = async (overrides: Record<string, unknown>) => (await t.http.post('/jobs').send(makeJob(overrides)).expect(201)).body;
  const sql = <T>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('stores the tags of a job, answers them everywhere and changes them with PATCH', async () => {
    const job = await create({ tags: ['billing', 'team:payments'] });
    expect(job.tags).toEqual(['billing', 'team:payments']);
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.tags).toEqual(['billing', 'team:payments']);
    const { body: changed } = await t.http.patch(`/jobs/${job.id}`).send({ tags: ['billing'] }).expect(200);
    expect(changed.tags).toEqual(['billing']);
    const [entry] = (await t.http.get(`/jobs/${job.id}/changes`).expect(200)).body.data;
    expect(entry).toMatchObject({ action: 'update', changes: [{ field: 'tags', before: ['billing', 'team:payments'], after: ['billing'] }] });
    expect((await create({})).tags).toEqual([]);
  });

  it.each([
    ['not a list', 'billing'],
    ['more than 20', Array.from({ length: 21 }, (_, i) => `t${i}`)],
    ['a tag of 65 characters', ['x'.repeat(65)]],
    ['an empty tag', ['']],
    ['a space', ['has space']],
    ['a leading dash', ['-x']],
    ['a repeated tag', ['a', 'a']],
    ['a number', [1]],
  ])('refuses %s with a 400 naming tags, storing nothing', async (_what, tags) => {
    const body = makeJob({ tags });
    const { body: error } = await t.http.post('/jobs').send(body).expect(400);
    expect(error.fields.map((problem: { field: string }) => problem.field)).toContain('tags');
    expect(await sql('SELECT id FROM jobs WHERE name = $1', [body.name])).toEqual([]);
  });

  it('lists the jobs carrying a tag with ?tag=', async () => {
    const a = await create({ tags: ['list-a', 'shared'] });
    const b = await create({ tags: ['shared'] });
    await create({ tags: ['other'] });
    const ids = async (tag: string) => (await t.http.get(`/jobs?tag=${encodeURIComponent(tag)}`).expect(200)).body.data.map((job: { id: number }) => job.id);
    expect(await ids('shared')).toEqual([a.id, b.id]);
    expect(await ids('list-a')).toEqual([a.id]);
    expect(await ids('nobody')).toEqual([]);
  });

  it('lists the runs of the jobs carrying a tag with GET /runs?tag=', async () => {
    const tagged = await create({ tags: ['runs-tag'], isActive: false });
    const other = await create({ isActive: false });
    await sql(
      "INSERT INTO job_runs (job_id, scheduled_for, status) VALUES ($1, '2026-01-01T00:00:00Z', 'failed'), ($2, '2026-01-01T00:00:00Z', 'failed')",
      [tagged.id, other.id],
    );
    const { body } = await t.http.get('/runs?tag=runs-tag').expect(200);
    expect(body.data.map((run: { jobId: number }) => run.jobId)).toEqual([tagged.id]);
  });

  it.each(['/jobs?tag=has%20space', `/jobs?tag=${'x'.repeat(65)}`, '/runs?tag=a,b'])('refuses %s with a 400 naming tag', async (path) => {
    const { body } = await t.http.get(path).expect(400);
    expect(body.fields.map((problem: { field: string }) => problem.field)).toContain('tag');
  });

  it('pauses every active job carrying a tag, answering how many changed, and resumes them with their next run', async () => {
    const first = await create({ tags: ['nightly'] });
    const second = await create({ tags: ['nightly', 'x'] });
    const paused = await create({ tags: ['nightly'], isActive: false });
    const untouched = await create({ tags: ['daily'] });

    const { body: pause } = await t.http.post('/jobs/pause?tag=nightly').expect(200);
    expect(pause).toEqual({ changed: 2, jobIds: [first.id, second.id] });
    const states = async () =>
      sql<{ id: number; is_active: boolean; next_run: Date | null }>('SELECT id, is_active, next_run FROM jobs WHERE id = ANY($1::int[]) ORDER BY id', [
        [first.id, second.id, paused.id, untouched.id],
      ]);
    expect((await states()).map((row) => [row.is_active, row.next_run])).toEqual([
      [false, null],
      [false, null],
      [false, null],
      [true, new Date(untouched.nextRun)],
    ]);
    expect((await t.http.post('/jobs/pause?tag=nightly').expect(200)).body).toEqual({ changed: 0, jobIds: [] });

    const { body: resume } = await t.http.post('/jobs/resume?tag=nightly').expect(200);
    expect(resume).toEqual({ changed: 3, jobIds: [first.id, second.id, paused.id] });
    const resumed = await states();
    expect(resumed.slice(0, 3).every((row) => row.is_active && row.next_run !== null && row.next_run > new Date())).toBe(true);
    expect((await t.http.get(`/jobs/${first.id}`).expect(200)).body.isActive).toBe(true);
  });

  it.each(['/jobs/pause', '/jobs/pause?tag=bad%20tag', '/jobs/resume', '/jobs/resume?tag='])('refuses POST %s with a 400 naming tag, changing nothing', async (path) => {
    const job = await create({ tags: ['bad'] });
    const { body } = await t.http.post(path).expect(400);
    expect(body.fields.map((problem: { field: string }) => problem.field)).toContain('tag');
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.isActive).toBe(true);
  });

  it('has an index that serves the containment the tag filters use (tags @> ARRAY[tag])', async () => {
    const plan = await withClient(t.database.url, async (client) => {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query("EXPLAIN SELECT id FROM jobs WHERE tags @> ARRAY['nightly']::varchar[]");
      return rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('jobs_tags_idx');
  });

  it('answers 503 and changes nothing when the database breaks a deadlock by aborting a pause by tag', async () => {
    const [first, second] = [await create({ tags: ['deadlocked'] }), await create({ tags: ['deadlocked'] })];
    await withClient(t.database.url, async (other) => {
      // Another writer (the scheduler recording outcomes, in production) holds the second job's row...
      await other.query('BEGIN');
      await other.query('UPDATE jobs SET description = $2 WHERE id = $1', [second.id, 'held']);
      const pause = t.http.post('/jobs/pause?tag=deadlocked').then((response) => response);
      // ...while the pause, having updated the first job, waits for it;
      await waitFor(async () => (await sql("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).length > 0, 10_000, 'the pause to wait');
      // then wants the first one: a cycle. The pause has waited longer, so its deadlock check aborts it.
      await other.query('UPDATE jobs SET description = $2 WHERE id = $1', [first.id, 'held']);
      await other.query('ROLLBACK');
      const { status, body } = await pause;
      expect({ status, message: body.message }).toEqual({ status: 503, message: 'the database is unavailable or busy; retry shortly' });
    });
    expect(await sql('SELECT is_active FROM jobs WHERE id = ANY($1) ORDER BY id', [[first.id, second.id]])).toEqual([{ is_active: true }, { is_active: true }]);
    expect(await sql("SELECT count(*)::int AS n FROM audit_entries WHERE action = 'pause' AND job_id = ANY($1)", [[first.id, second.id]])).toEqual([{ n: 0 }]);
  });
});
