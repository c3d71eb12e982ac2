import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** An OpenAPI 3 document, as far as these tests read it. */
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema & { example?: unknown }>;
  required?: string[];
}

const JOB_FIELDS = [
  'id',
  'name',
  'description',
  'schedule',
  'timezone',
  'type',
  'params',
  'tags',
  'isActive',
  'overlapPolicy',
  'misfirePolicy',
  'maxAttempts',
  'retryBackoffMs',
  'timeoutMs',
  'maxConcurrency',
  'jitterMs',
  'maxCatchUp',
  'notify',
  'runAt',
  'lastRun',
  'lastStatus',
  'nextRun',
  'scheduleError',
  'createdAt',
  'updatedAt',
];
const WRITABLE_FIELDS = JOB_FIELDS.filter((field) => !['id', 'lastRun', 'lastStatus', 'nextRun', 'scheduleError', 'createdAt', 'updatedAt'].includes(field));

/**
 * The Swagger CLI plugin documents DTOs only in `nest build` output, so this file serves the built
 * application from dist/ (`npm test` builds it first), not the TypeScript sources.
 */
describe('OpenAPI document of the built service', () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof supertest>;
  let document: OpenApiDocument;

  beforeAll(async () => {
    database = await createTestDatabase();
    Object.assign(process.env, {
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '0',
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      SCHEDULER_ENABLED: 'false',
    });
    const { AppModule } = require('../dist/app.module');
    const { createApp } = require('../dist/http/create-app');
    app = await createApp(AppModule);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    http = supertest(app.getHttpServer());
    document = (await http.get('/api-json').expect(200).expect('content-type', /json/)).body;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const schema = (name: string): Schema => {
    const found = document.components.schemas[name];
    if (!found) throw new Error(`no schema ${name} among ${Object.keys(document.components.schemas).join(', ')}`);
    return found;
  };
  const jsonSchema = (content: Record<string, { schema: Schema }> | undefined) => content?.['application/json']?.schema;

  it.each([
    ['/jobs', ['get', 'post']],
    ['/jobs/{id}', ['delete', 'get', 'patch']],
    ['/jobs/{id}/runs', ['get']],
    ['/jobs/{id}/next-runs', ['get']],
    ['/jobs/{id}/run', ['post']],
    ['/jobs/{id}/changes', ['get']],
    ['/audit', ['get']],
    ['/schedules/preview', ['get']],
  ])('documents %s with its methods', (path, methods) => {
    expect(Object.keys(document.paths[path] ?? {}).sort()).toEqual(methods);
    for (const method of methods) {
      const parameters = document.paths[path][method].parameters ?? [];
      if (path.includes('{id}')) expect(parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    }
  });

  it.each([
    ['/jobs', 'get', ['limit', 'offset', 'isActive', 'type', 'lastStatus', 'search', 'tag']],
    ['/jobs/{id}/runs', 'get', ['limit', 'offset', 'status']],
    ['/jobs/{id}/next-runs', 'get', ['count']],
    ['/jobs/{id}/changes', 'get', ['limit', 'offset']],
    ['/audit', 'get', ['limit', 'offset', 'actor', 'action', 'jobId', 'from', 'to']],
    ['/schedules/preview', 'get', ['schedule', 'timezone', 'count', 'from', 'seed', 'jitterMs']],
  ])('documents the query parameters of %s', (path, method, names) => {
    const query = (document.paths[path][method].parameters ?? []).filter((parameter) => parameter.in === 'query');
    expect(query.map((parameter) => parameter.name).sort()).toEqual([...names].sort());
    const required = query.filter((parameter) => parameter.required).map((parameter) => parameter.name);
    expect(required).toEqual(path === '/schedules/preview' ? ['schedule'] : []);
  });

  it('documents CreateJobDto with every field and the README example values', () => {
    const create = schema('CreateJobDto');
    expect(Object.keys(create.properties ?? {}).sort()).toEqual([...WRITABLE_FIELDS].sort());
    // A job has a schedule or a runAt (a one-off job): neither is required on its own.
    expect(create.required?.sort()).toEqual(['name']);
    expect(create.properties?.name.example).toBe('Daily Email Notification');
    expect(create.properties?.schedule.example).toBe('0 9 * * *');
    expect(create.properties?.description.example).toBe('Send daily newsletter to users');
  });

  it('documents UpdateJobDto as any subset of the same fields', () => {
    const update = schema('UpdateJobDto');
    expect(Object.keys(update.properties ?? {}).sort()).toEqual([...WRITABLE_FIELDS].sort());
    expect(update.required ?? []).toEqual([]);
  });

  it('documents JobResponse with exactly the fields the API returns for a job', async () => {
    const { body: job } = await http
      .post('/jobs')
      .send({ name: 'Daily Email Notification', description: 'Send daily newsletter to users', schedule: '0 9 * * *', isActive: true })
      .expect(201);
    expect(Object.keys(job).sort()).toEqual([...JOB_FIELDS].sort());
    for (const variant of ['HttpJobResponse', 'LogJobResponse', 'ShellJobResponse']) {
      expect(Object.keys(schema(variant).properties ?? {}).sort()).toEqual([...JOB_FIELDS].sort());
      for (const field of ['lastRun', 'nextRun', 'createdAt', 'updatedAt']) {
        expect(schema(variant).properties?.[field]).toMatchObject({ type: 'string', format: 'date-time' });
      }
    }
  });

  it('links the job routes to their request and response schemas', () => {
    const jobs = document.paths['/jobs'];
    expect(jsonSchema(jobs.post.requestBody?.content)).toEqual({ $ref: '#/components/schemas/CreateJobDto' });
    expect(jsonSchema(jobs.post.responses['201']?.content)).toEqual({ $ref: '#/components/schemas/JobResponse' });
    expect(jsonSchema(document.paths['/jobs/{id}'].patch.requestBody?.content)).toEqual({ $ref: '#/components/schemas/UpdateJobDto' });
    expect(jsonSchema(document.paths['/jobs/{id}'].get.responses['200']?.content)).toEqual({ $ref: '#/components/schemas/JobResponse' });
    expect(schema('JobPageResponse').properties?.data).toEqual({ type: 'array', items: { $ref: '#/components/schemas/JobResponse' } });
  });

  it('links the audit routes to the page of audit entries', () => {
    for (const path of ['/jobs/{id}/changes', '/audit']) {
      expect(jsonSchema(document.paths[path].get.responses['200']?.content)).toEqual({ $ref: '#/components/schemas/AuditPageResponse' });
    }
    expect(schema('AuditPageResponse').properties?.data).toEqual({ type: 'array', items: { $ref: '#/components/schemas/AuditEntryResponse' } });
    expect(Object.keys(schema('AuditEntryResponse').properties ?? {}).sort()).toEqual(
      ['action', 'actor', 'address', 'at', 'changes', 'id', 'jobId', 'jobName', 'runId', 'via'],
    );
  });

  it.each(['/jobs/{id}/next-runs', '/schedules/preview'])('documents the 200 of %s as an array of date-time strings', (path) => {
    expect(jsonSchema(document.paths[path].get.responses['200']?.content)).toMatchObject({
      type: 'array',
      items: { type: 'string', format: 'date-time' },
    });
  });

  it('has no reference to a schema it does not define', () => {
    const references = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    const missing = references
      .map((reference) => reference.slice('"$ref":"#/components/schemas/'.length, -1))
      .filter((name) => !(name in document.components.schemas));
    expect(missing).toEqual([]);
  });

  it('serves Swagger UI at /api', async () => {
    const response = await http.get('/api').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toMatch(/swagger/i);
  });
});
