import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import supertest from 'supertest';
import { apiDocument, DOCUMENT_PATH } from './support/api-document';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const run = promisify(execFile);
const bin = (name: string) => resolve(__dirname, '../node_modules/.bin', name);
const OFFLINE = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
const operations = () =>
  Object.entries(apiDocument.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as Operation })));

/** The committed document (openapi/openapi.json): what the built service serves, and clean for both linters. */
describe('the API contract', () => {
  describe('of the built service', () => {
    let database: TestDatabase;
    let app: NestFastifyApplication;

    beforeAll(async () => {
      database = await createTestDatabase();
      Object.assign(process.env, { LOG_LEVEL: 'error', THROTTLE_LIMIT: '0', DATABASE_URL: database.url, MIGRATE_ON_START: 'false', SCHEDULER_ENABLED: 'false' });
      const { AppModule } = require('../dist/app.module');
      const { createApp } = require('../dist/http/create-app');
      app = await createApp(AppModule);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('is the committed document: regenerate it with `npm run openapi` after changing the API', async () => {
      const served = (await supertest(app.getHttpServer()).get('/api-json').expect(200)).body;
      expect(served).toEqual(apiDocument);
    });
  });

  it('has no Redocly (recommended) error or warning', async () => {
    const { stdout } = await run(bin('redocly'), ['lint', DOCUMENT_PATH, '--format', 'json'], { cwd: resolve(__dirname, '..'), env: OFFLINE }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it('has no Spectral (spectral:oas) error or warning', async () => {
    const { stdout } = await run(bin('spectral'), ['lint', DOCUMENT_PATH, '--format', 'json', '--quiet'], { cwd: resolve(__dirname, '..'), env: OFFLINE }).catch(
      (error: { stdout: string }) => error,
    );
    const results = JSON.parse(stdout || '[]') as { code: string; message: string; severity: number }[];
    // Severity 0 is an error, 1 a warning.
    expect(results.filter((result) => result.severity <= 1).map((result) => `${result.code}: ${result.message}`)).toEqual([]);
  }, 120_000);

  it('names each operation readably, with a summary and a description', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids).toEqual(expect.arrayContaining(['createJob', 'listJobs', 'getJob', 'updateJob', 'deleteJob', 'listJobRuns', 'runJobNow', 'listJobNextRuns', 'previewSchedule']));
    for (const { operation } of operations()) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary).toBeTruthy();
      expect(operation.description).toBeTruthy();
    }
  });

  it('asks a bearer token of every operation but the open probes', () => {
    for (const { path, operation } of operations()) {
      expect({ path, security: operation.security }).toEqual({ path, security: path.startsWith('/health') ? [] : [{ bearer: [] }] });
    }
  });

  it('documents every error status of a protected operation with the one error schema', () => {
    for (const { path, method, operation } of operations().filter(({ path }) => !path.startsWith('/health'))) {
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      // A 400 is for a wrong field of the path, query or body: an operation that takes none never answers it.
      const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      expect({ path, method, statuses: errors.map(([status]) => status) }).toEqual({
        path,
        method,
        statuses: expect.arrayContaining([...(takesInput ? ['400'] : []), '401', '403', '429']),
      });
      for (const [, response] of errors) expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    }
  });

  it('types numbers as integers, and lets nullable enums be null', () => {
    const text = JSON.stringify(apiDocument);
    expect(text).not.toContain('"type":"number"');
    expect(apiDocument.components.schemas.LogJobResponse.properties).toMatchObject({ lastStatus: { nullable: true, enum: expect.arrayContaining([null, 'failed']) } });
  });

  it('names closed sets of values as enums, so a generated client can switch over them', () => {
    expect(apiDocument.components.schemas.AuditEntryResponse.properties).toMatchObject({
      via: { enum: ['api-key', 'oidc', 'open'] },
      action: { enum: expect.arrayContaining(['create', 'update', 'delete']) },
    });
  });

  it('describes the jobs of an apply or export document as POST /jobs bodies', () => {
    expect(apiDocument.components.schemas.ApplyDocumentDto).toMatchObject({ properties: { jobs: { type: 'array', items: { $ref: '#/components/schemas/CreateJobDto' } } } });
  });

  it('describes type as the declared job types, and each type its params', () => {
    const { schemas } = apiDocument.components;
    expect(schemas.CreateJobDto.properties).toMatchObject({
      type: { enum: ['http', 'log', 'shell'] },
      params: { oneOf: ['HttpParams', 'LogParams', 'ShellParams'].map((name) => ({ $ref: `#/components/schemas/${name}` })) },
    });
    expect(schemas.JobResponse).toMatchObject({
      discriminator: { propertyName: 'type', mapping: { http: '#/components/schemas/HttpJobResponse', log: '#/components/schemas/LogJobResponse', shell: '#/components/schemas/ShellJobResponse' } },
    });
    expect(schemas.HttpParams).toMatchObject({ required: ['url'], additionalProperties: false });
    expect(schemas.ShellParams).toMatchObject({ required: ['command'], additionalProperties: false });
  });
});
