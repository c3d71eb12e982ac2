import fc from 'fast-check';
import { Client } from 'pg';
import {
  asNumber,
  checkOutcome,
  checkShape,
  describeValue,
  type Expected,
  type Job,
  type Judged,
  judgeCreate,
  judgeId,
  judgeQuery,
  judgeUpdate,
  type Model,
  namingProblem,
  listRules,
  PAGE_RULES,
  refuse,
  textRule,
  withoutEmptyValues,
} from './support/api-contract';
import {
  encodeQuery,
  idChoice,
  type IdChoice,
  integerIn,
  jobBody,
  numberText,
  parseId,
  type Query,
  queryFor,
  queryValues,
  RUN_STATUSES,
} from './support/job-arbitraries';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Property-based tests of the whole API in process: random sequences of requests (valid, invalid and
 * absurd bodies, ids and query strings) run against a model of what the jobs table must hold. Each
 * response is checked against the contract (support/api-contract.ts) before it is sent, and the table
 * against the model after each sequence.
 */
describe('the API under random requests', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    // The scheduler would change nextRun and add runs on its own: here only the API acts.
    t = await startTestApp({ ...LOOPBACK_HTTP_JOBS, SCHEDULER_ENABLED: 'false' });
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const resolveId = (choice: IdChoice, model: Model): string => {
    if ('raw' in choice) return choice.raw;
    const ids = [...model.keys()];
    return ids.length > 0 ? String(ids[choice.existing % ids.length]) : '1';
  };
  // Sent as JSON text whatever it is: supertest would send a bare string as a form.
  const sendJson = (request: ReturnType<TestApp['http']['post']>, body: unknown) =>
    request.set('content-type', 'application/json').send(JSON.stringify(body));
  const path = (id: string) => `/jobs/${encodeURIComponent(id)}`;
  const isIsoAfter = (value: unknown, start: number) =>
    typeof value === 'string' && /Z$/.test(value) && new Date(value).getTime() >= start - 1000;

  class CreateJob implements fc.AsyncCommand<Model, TestApp> {
    constructor(readonly body: unknown) {}
    check = () => true;
    async run(model: Model) {
      const judged = judgeCreate(this.body, model);
      const start = Date.now();
      const response = await sendJson(t.http.post('/jobs'), this.body);
      if (!checkOutcome(response, judged, this.toString(), this.body) || !('job' in judged.expected)) return;
      const job = response.body as Job;
      // Fields given as null and taken as absent get their defaults, which the expectation already has.
      expect(job).toEqual({
        ...judged.expected.job,
        id: expect.any(Number),
        nextRun: job.isActive ? expect.any(String) : null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      if (job.isActive && !isIsoAfter(job.nextRun, start)) throw new Error(`nextRun ${String(job.nextRun)} is not after the request`);
      expect(model.has(job.id)).toBe(false);
      model.set(job.id, job);
    }
    toString = () => `POST /jobs ${describeValue(this.body)}`;
  }

  class UpdateJob implements fc.AsyncCommand<Model, TestApp> {
    constructor(
      readonly id: IdChoice,
      readonly body: unknown,
    ) {}
    private resolved = '';
    check = () => true;
    async run(model: Model) {
      this.resolved = resolveId(this.id, model);
      const judged = judgeUpdate(this.resolved, this.body, model);
      const before = model.get(parseId(this.resolved) ?? 0);
      const start = Date.now();
      const response = await sendJson(t.http.patch(path(this.resolved)), this.body);
      if (!checkOutcome(response, judged, this.toString(), [this.resolved, this.body]) || !('job' in judged.expected) || !before) return;
      const job = response.body as Job;
      const reschedules = ['schedule', 'timezone', 'isActive', 'jitterMs'].some((field) => (this.body as object)[field as never] !== undefined);
      // Fields given as null and taken as absent keep their values, as the expectation has them.
      expect(job).toEqual({
        ...judged.expected.job,
        nextRun: reschedules ? (job.isActive ? expect.any(String) : null) : before.nextRun,
        updatedAt: expect.any(String),
      });
      if (reschedules && job.isActive && !isIsoAfter(job.nextRun, start)) throw new Error(`nextRun ${String(job.nextRun)} is not after the request`);
      model.set(job.id, job);
    }
    toString = () => `PATCH /jobs/${this.resolved || describeValue(this.id)} ${describeValue(this.body)}`;
  }

  class DeleteJob implements fc.AsyncCommand<Model, TestApp> {
    constructor(readonly id: IdChoice) {}
    private resolved = '';
    check = () => true;
    async run(model: Model) {
      this.resolved = resolveId(this.id, model);
      const id = parseId(this.resolved);
      const expected: Expected = judgeId(this.resolved) ?? (model.has(id as number) ? { status: 204 } : { status: 404 });
      const response = await t.http.delete(path(this.resolved));
      if (checkOutcome(response, { expected, mayRefuse: [] }, this.toString())) model.delete(id as number);
    }
    toString = () => `DELETE /jobs/${this.resolved || describeValue(this.id)}`;
  }

  class GetJob implements fc.AsyncCommand<Model, TestApp> {
    constructor(readonly id: IdChoice) {}
    private resolved = '';
    check = () => true;
    async run(model: Model) {
      this.resolved = resolveId(this.id, model);
      const job = model.get(parseId(this.resolved) ?? 0);
      const expected: Expected = judgeId(this.resolved) ?? (job ? { status: 200 } : { status: 404 });
      const response = await t.http.get(path(this.resolved));
      if (checkOutcome(response, { expected, mayRefuse: [] }, this.toString())) expect(response.body).toEqual(job);
    }
    toString = () => `GET /jobs/${this.resolved || describeValue(this.id)}`;
  }

  class ListJobs implements fc.AsyncCommand<Model, TestApp> {
    constructor(readonly query: Query) {}
    check = () => true;
    async run(model: Model) {
      const { refused, doubtful, every } = judgeQuery(
        withoutEmptyValues(this.query),
        listRules({
          ...PAGE_RULES,
          isActive: (value) => value === 'true' || value === 'false',
          type: textRule(64),
          search: textRule(200),
        }),
      );
      const judged: Judged = { expected: refused.length > 0 ? refuse(refused, every) : { status: 200 }, mayRefuse: doubtful };
      const response = await t.http.get(`/jobs?${encodeQuery(this.query)}`);
      if (!checkOutcome(response, judged, this.toString(), this.query)) return;
      const values = queryValues(withoutEmptyValues(this.query));
      const limit = values.has('limit') ? asNumber(values.get('limit')) : 20;
      const offset = values.has('offset') ? asNumber(values.get('offset')) : 0;
      expect(response.body).toMatchObject({ limit, offset });
      // A NUL character, if not refused, matches nothing: no stored text can hold one.
      if (doubtful.length > 0) return expect(response.body).toMatchObject({ data: [], total: 0 });
      const search = ((values.get('search') as string | undefined) ?? '').toLowerCase();
      const matching = [...model.values()]
        .filter((job) => !values.has('isActive') || String(job.isActive) === values.get('isActive'))
        .filter((job) => !values.has('type') || job.type === values.get('type'))
        .filter((job) => [job.name, job.description].some((field) => typeof field === 'string' && field.toLowerCase().includes(search)))
        .sort((a, b) => a.id - b.id);
      // Case folding of non-ASCII text differs between JavaScript and PostgreSQL locales: the page is
      // compared exactly only where both fold alike, and otherwise checked job by job.
      const ascii = (value: unknown) => typeof value !== 'string' || /^[\x20-\x7e]*$/.test(value);
      if (ascii(search) && [...model.values()].every((job) => ascii(job.name) && ascii(job.description))) {
        expect(response.body).toEqual({ data: matching.slice(offset, offset + limit), total: matching.length, limit, offset });
      } else {
        for (const job of response.body.data) expect(job).toEqual(model.get(job.id));
      }
    }
    toString = () => `GET /jobs?${encodeQuery(this.query)}`;
  }

  class ListRuns implements fc.AsyncCommand<Model, TestApp> {
    constructor(
      readonly id: IdChoice,
      readonly query: Query,
    ) {}
    private resolved = '';
    check = () => true;
    async run(model: Model) {
      this.resolved = resolveId(this.id, model);
      const { refused, every } = judgeQuery(
        withoutEmptyValues(this.query),
        listRules({ ...PAGE_RULES, status: (value) => typeof value === 'string' && RUN_STATUSES.includes(value) }),
      );
      const expected = combine(judgeId(this.resolved), refused, every, model.has(parseId(this.resolved) ?? 0));
      const response = await t.http.get(`${path(this.resolved)}/runs?${encodeQuery(this.query)}`);
      if (!checkOutcome(response, { expected, mayRefuse: [] }, this.toString(), this.query)) return;
      const values = queryValues(withoutEmptyValues(this.query));
      expect(response.body).toEqual({
        data: [],
        total: 0,
        limit: values.has('limit') ? asNumber(values.get('limit')) : 20,
        offset: values.has('offset') ? asNumber(values.get('offset')) : 0,
      });
    }
    toString = () => `GET /jobs/${this.resolved || describeValue(this.id)}/runs?${encodeQuery(this.query)}`;
  }

  class NextRuns implements fc.AsyncCommand<Model, TestApp> {
    constructor(
      readonly id: IdChoice,
      readonly query: Query,
    ) {}
    private resolved = '';
    check = () => true;
    async run(model: Model) {
      this.resolved = resolveId(this.id, model);
      const { refused, every } = judgeQuery(this.query, { count: (value) => integerIn(value, 1, 100) });
      const expected = combine(judgeId(this.resolved), refused, every, model.has(parseId(this.resolved) ?? 0));
      const start = Date.now();
      const response = await t.http.get(`${path(this.resolved)}/next-runs?${encodeQuery(this.query)}`);
      if (!checkOutcome(response, { expected, mayRefuse: [] }, this.toString(), this.query)) return;
      const values = queryValues(this.query);
      const runs = response.body as string[];
      expect(runs).toHaveLength(values.has('count') ? Number(values.get('count')) : 5);
      expect(isIsoAfter(runs[0], start)).toBe(true);
      for (let index = 1; index < runs.length; index += 1) expect(Date.parse(runs[index])).toBeGreaterThan(Date.parse(runs[index - 1]));
    }
    toString = () => `GET /jobs/${this.resolved || describeValue(this.id)}/next-runs?${encodeQuery(this.query)}`;
  }

  /** A route with an id and a query: the id and the query are checked side by side, then the job looked up. */
  function combine(idProblem: Expected | undefined, refused: string[], every: boolean, exists: boolean): Expected {
    if (idProblem?.status === 414) return idProblem;
    if (idProblem && refused.length > 0) return refuse(['id', ...refused], false);
    if (idProblem) return idProblem;
    if (refused.length > 0) return refuse(refused, every);
    return exists ? { status: 200 } : { status: 404 };
  }

  /** The jobs table, in the API's JSON shape. */
  async function storedJobs(): Promise<Job[]> {
    const { rows } = await db.query(`
      SELECT id, name, description, schedule, run_at AS "runAt", timezone, type, params, is_active AS "isActive",
             overlap_policy::text AS "overlapPolicy", misfire_policy::text AS "misfirePolicy",
             max_attempts AS "maxAttempts", retry_backoff_ms AS "retryBackoffMs", timeout_ms AS "timeoutMs",
             max_concurrency AS "maxConcurrency", jitter_ms AS "jitterMs", max_catch_up AS "maxCatchUp", notify, tags, last_run AS "lastRun", last_status::text AS "lastStatus", next_run AS "nextRun",
             schedule_error AS "scheduleError", created_at AS "createdAt", updated_at AS "updatedAt"
        FROM jobs ORDER BY id`);
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])),
    ) as Job[];
  }

  it('keeps the database exactly as the successful calls left it, never answering 5xx', async () => {
    const pagination = { limit: numberText(1, 100), offset: numberText(0, 50) };
    const commands = fc.commands(
      [
        // Listed more than once to be drawn more often: creating and changing jobs is what the model follows.
        ...[1, 2, 3].map(() => jobBody({ withRequired: true }).map((body) => new CreateJob(body))),
        ...[1, 2, 3].map(() => fc.tuple(idChoice, jobBody({ withRequired: false })).map(([id, body]) => new UpdateJob(id, body))),
        idChoice.map((id) => new DeleteJob(id)),
        idChoice.map((id) => new GetJob(id)),
        queryFor({
          ...pagination,
          isActive: fc.constantFrom('true', 'false', 'yes', '1', ''),
          type: fc.oneof(fc.constantFrom('log', 'http', 'ftp', '', 't'.repeat(65)), fc.string({ maxLength: 4 })),
          search: fc.oneof(fc.constantFrom('a', 'A', 'job', 'DAILY', '%', '_', '\\', 'n'.repeat(201)), fc.string({ unit: 'grapheme', maxLength: 4 })),
        }).map((query) => new ListJobs(query)),
        fc
          .tuple(idChoice, queryFor({ ...pagination, status: fc.constantFrom('succeeded', 'retry_pending', 'exploded', '') }))
          .map(([id, query]) => new ListRuns(id, query)),
        fc.tuple(idChoice, queryFor({ count: numberText(1, 100) })).map(([id, query]) => new NextRuns(id, query)),
      ],
      { maxCommands: 15, size: 'large' },
    );
    // A time budget checked before each run rather than interruptAfterTimeLimit, which abandons the
    // run under way with its requests still in flight: they then land in the next run's database, or
    // in the next test's, which fail for what this one left behind.
    const deadline = Date.now() + 15_000;
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        if (Date.now() > deadline) return;
        await db.query('TRUNCATE jobs RESTART IDENTITY CASCADE');
        const model: Model = new Map();
        await fc.asyncModelRun(() => ({ model, real: t }), sequence);
        expect(await storedJobs()).toEqual([...model.values()].sort((a, b) => a.id - b.id));
      }),
      { numRuns: 40 },
    );
  });

  it('previews any query string without a 5xx: 400 naming a field, or occurrences in order after `from`', async () => {
    const validSchedules = ['0 9 * * *', '*/15 * * * * *', '0 0 29 2 *', '0 12 L * *', '@hourly'];
    const invalidSchedules = ['61 * * * *', '* * *', '', '@reboot', '0 0 30 2 *'];
    const validTimezones = ['UTC', 'America/New_York', 'asia/tokyo'];
    const schedule = fc.oneof(
      fc.constantFrom(...validSchedules, ...invalidSchedules),
      fc
        .array(fc.constantFrom('*', '0', '5', '59', '60', '*/5', '1-5', '5-1', 'L', '5L', '1#2', '?', 'W', 'MON', 'JAN', ',', '-', '/', '*/0'), {
          minLength: 5,
          maxLength: 6,
        })
        .map((fields) => fields.join(' ')),
    );
    const query = queryFor({
      schedule,
      timezone: fc.constantFrom(...validTimezones, 'Mars/Olympus', '', 'UTC\u0000'),
      count: numberText(1, 100),
      from: fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.constantFrom('2026-03-08T06:00:00Z', '2026-11-01', 'yesterday', '', '0', '2026-02-30T25:00:00Z'),
      ),
    });
    const before = await storedJobs();
    await fc.assert(
      fc.asyncProperty(query, async (preview) => {
        const request = `GET /schedules/preview?${encodeQuery(preview)}`;
        const values = queryValues(preview);
        const value = (key: string) => values.get(key);
        const count = values.has('count') ? Number(value('count')) : 5;
        const from = values.has('from') ? Date.parse(value('from') as string) : Date.now();
        // Known good in every part, `from` from the year 1000 and with room left before the end of representable time: must succeed.
        const good =
          validSchedules.includes(value('schedule') as string) &&
          [...values.keys()].every((key) => ['schedule', 'timezone', 'count', 'from'].includes(key)) &&
          (!values.has('timezone') || validTimezones.includes(value('timezone') as string)) &&
          (!values.has('count') || integerIn(value('count') as string, 1, 100)) &&
          (!values.has('from') ||
            (typeof value('from') === 'string' && from >= Date.parse('1000-01-01T00:00:00Z') && from < Date.parse('+270000-01-01T00:00:00Z')));
        const response = await t.http.get(`/schedules/preview?${encodeQuery(preview)}`);
        checkShape(response, request);
        if (good) expect({ request, status: response.status }).toEqual({ request, status: 200 });
        if (invalidSchedules.includes(value('schedule') as string) || !values.has('schedule')) {
          expect({ request, status: response.status }).toEqual({ request, status: 400 });
        }
        if (response.status === 400) {
          const problem = namingProblem(response.body, [...values.keys(), 'schedule'], false);
          if (problem) throw new Error(`${request}: ${problem}: ${response.body.message}`);
          return;
        }
        expect(response.status).toBe(200);
        const runs = (response.body as string[]).map((run) => Date.parse(run));
        if (good) expect(runs).toHaveLength(count);
        expect(runs.length).toBeLessThanOrEqual(count);
        if (runs.length > 0) expect(runs[0]).toBeGreaterThan(from - 1000);
        for (let index = 1; index < runs.length; index += 1) expect(runs[index]).toBeGreaterThan(runs[index - 1]);
      }),
      { numRuns: 150, plugins: [fc.interruptAfterTimeLimit(4_000)] },
    );
    expect(await storedJobs()).toEqual(before);
  });

  // Each a case the properties above generate too, pinned here so that it always runs.
  describe('cases found by the properties', () => {
    beforeEach(() => db.query('TRUNCATE jobs RESTART IDENTITY CASCADE'));
    const countJobs = async () => Number((await db.query('SELECT count(*) FROM jobs')).rows[0].count);
    const everyMinute = Array.from({ length: 60 }, (_, minute) => minute).join(',');
    const everyHour = Array.from({ length: 24 }, (_, hour) => hour).join(',');
    const longSchedule = `${everyMinute} ${everyHour} * * *`;

    it('answers 400 naming schedule, not 500, for a valid expression longer than the 200 characters stored', async () => {
      expect(longSchedule.length).toBeGreaterThan(200);
      const before = await countJobs();
      const created = await t.http.post('/jobs').send({ name: 'long schedule', schedule: longSchedule });
      expect({ status: created.status, message: created.body.message }).toEqual({ status: 400, message: expect.stringMatching(/^schedule: /) });
      expect(await countJobs()).toBe(before);
      const { body: job } = await t.http.post('/jobs').send({ name: 'short schedule', schedule: '0 9 * * *' }).expect(201);
      const patched = await t.http.patch(`/jobs/${job.id}`).send({ schedule: longSchedule });
      expect({ status: patched.status, message: patched.body.message }).toEqual({ status: 400, message: expect.stringMatching(/^schedule: /) });
      expect((await t.http.get(`/jobs/${job.id}`)).body).toEqual(job);
    });

    it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      'refuses an unknown field named %p, like any other unknown field',
      async (key) => {
        const before = await countJobs();
        const created = await sendJson(t.http.post('/jobs'), { name: `unknown ${key}`, schedule: '0 9 * * *', [key]: 'x' });
        expect({ status: created.status, message: created.body.message }).toEqual({ status: 400, message: `${key}: is not a known field` });
        expect(await countJobs()).toBe(before);
        const listed = await t.http.get(`/jobs?${key}=x`);
        expect({ status: listed.status, message: listed.body.message }).toEqual({ status: 400, message: `${key}: is not a known field` });
      },
    );

    it('searches for %, _ and \\ literally, not as LIKE wildcards', async () => {
      const names = ['search 100% done', 'search a_b', 'search back\\slash', 'search plain'];
      for (const name of names) await t.http.post('/jobs').send({ name, schedule: '0 9 * * *' }).expect(201);
      const found = async (search: string) =>
        ((await t.http.get('/jobs').query({ search, limit: '100' }).expect(200)).body.data as { name: string }[]).map((job) => job.name);
      expect(await found('%')).toEqual(['search 100% done']);
      expect(await found('_')).toEqual(['search a_b']);
      expect(await found('\\')).toEqual(['search back\\slash']);
      expect(await found('search')).toEqual(names);
    });

    it('keeps the IANA name of a time zone rather than the legacy alias the runtime resolves it to', async () => {
      // Node's ICU resolves Asia/Kolkata to Asia/Calcutta, Europe/Kyiv to Europe/Kiev: IANA's links, not its names.
      const { body: kolkata } = await t.http.post('/jobs').send({ name: 'in Kolkata', schedule: '0 9 * * *', timezone: 'Asia/Kolkata' }).expect(201);
      expect(kolkata.timezone).toBe('Asia/Kolkata');
      const { body: kyiv } = await t.http.patch(`/jobs/${kolkata.id}`).send({ timezone: 'Europe/Kyiv' }).expect(200);
      expect(kyiv.timezone).toBe('Europe/Kyiv');
    });

    it.each(['name', 'schedule', 'timezone', 'type', 'isActive', 'overlapPolicy', 'misfirePolicy', 'maxAttempts', 'retryBackoffMs', 'timeoutMs', 'jitterMs', 'maxCatchUp'])(
      'never answers 5xx for %p: null, and never stores null there',
      async (field) => {
        const { body: job } = await t.http.post('/jobs').send({ name: `null ${field}`, schedule: '0 9 * * *' }).expect(201);
        const patched = await t.http.patch(`/jobs/${job.id}`).send({ [field]: null });
        expect(patched.status).toBeLessThan(500);
        if (patched.status === 400) expect(patched.body.message).toMatch(new RegExp(`^${field}: `));
        else expect(patched.body[field]).toEqual(job[field]);
        if (field === 'name' || field === 'schedule') return;
        const created = await t.http.post('/jobs').send({ name: `null ${field} again`, schedule: '0 9 * * *', [field]: null });
        expect(created.status).toBeLessThan(500);
        if (created.status === 400) expect(created.body.message).toMatch(new RegExp(`^${field}: `));
        else expect(created.body[field]).not.toBeNull();
      },
    );

    it.each([
      ['the name', { name: 'a\u0000b', schedule: '0 9 * * *' }, 'name'],
      ['the description', { name: 'nul description', description: '\u0000', schedule: '0 9 * * *' }, 'description'],
      ['a param', { name: 'nul param', schedule: '0 9 * * *', params: { message: 'a\u0000' } }, 'params.message'],
    ])('answers 400, not 500, for a NUL character in %s', async (_, body, field) => {
      const before = await countJobs();
      const response = await t.http.post('/jobs').send(body);
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `)) });
      expect(await countJobs()).toBe(before);
    });

    it.each(['search', 'type'])('answers 4xx or nothing found, not 500, for a NUL character in the %s filter', async (key) => {
      const response = await t.http.get(`/jobs?${key}=%00`);
      if (response.status === 400) expect(response.body.message).toMatch(new RegExp(`^${key}: `));
      else expect(response.body).toMatchObject({ data: [], total: 0 });
    });
  });
});
