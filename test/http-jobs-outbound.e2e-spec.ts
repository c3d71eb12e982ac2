import { endlessBody, withPeakMemory } from './support/endless-body';
import { makeJob } from './support/factories';
import { type RecordingServer, startRecordingServer } from './support/recording-server';
import type { RunResponse } from '../src/api-client/api-types';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

// 127.0.0.2 and 127.0.0.3 play two public hosts, opened by HTTP_JOBS_ALLOW; every other internal
// address, 127.0.0.1 (where the tests' other servers and the service itself listen) included, keeps
// the default policy.
describe('http jobs and the outbound policy, through the API', () => {
  let t: TestApp;
  const servers: RecordingServer[] = [];
  const start = async (...args: Parameters<typeof startRecordingServer>) => {
    const server = await startRecordingServer(...args);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    t = await startTestApp({
      HTTP_JOBS_ALLOW: '127.0.0.2,127.0.0.3',
      HTTP_JOB_MAX_RESPONSE_BYTES: String(MAX_RESPONSE_BYTES),
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_TICK: '0 0 1 1 *',
    });
    // Listening on loopback, so a job could call the service's own API if the policy let it.
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  const httpJob = (url: string, params: Record<string, unknown> = {}) => makeJob({ schedule: '0 0 1 1 *', isActive: false, type: 'http', params: { url, ...params } });

  async function runNow(url: string, params: Record<string, unknown> = {}): Promise<RunResponse> {
    const { body: job } = await t.http.post('/jobs').send(httpJob(url, params)).expect(201);
    await t.http.post(`/jobs/${job.id}/run`).expect(202);
    return waitFor(
      async () => {
        const { body } = await t.http.get(`/jobs/${job.id}/runs`).expect(200);
        const [run] = body.data as RunResponse[];
        return run && ['succeeded', 'failed', 'timed_out'].includes(run.status) && run;
      },
      20_000,
      `the run of job ${job.id} to finish`,
    );
  }

  describe('when a job is saved', () => {
    const ownApi = () => `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}/jobs`;

    it.each([
      ['http://localhost:3000/jobs', 'localhost, a name of an internal service'],
      ['http://0.0.0.0:3000/', '0.0.0.0, an unspecified address'],
      ['http://[::1]:3000/', '::1, a loopback address'],
      ['http://[::ffff:127.0.0.1]:3000/', '::ffff:7f00:1, a loopback address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254, a cloud metadata address'],
      ['http://[fe80::1]/', 'fe80::1, a link-local address'],
      ['http://[fd00:ec2::254]/', 'fd00:ec2::254, a cloud metadata address'],
      ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal, a name of an internal service'],
      ['http://10.0.0.1/', '10.0.0.1, a private address'],
      ['http://100.64.0.1/', '100.64.0.1, a shared (CGNAT) address'],
    ])('refuses %s with a 400 naming params.url', async (url, what) => {
      const response = await t.http.post('/jobs').send(httpJob(url)).expect(400);
      expect(response.body.fields).toEqual([{ field: 'params.url', message: `http jobs may not call ${what}; HTTP_JOBS_ALLOW can open it` }]);
      expect(response.body.message).toBe(`params.url: http jobs may not call ${what}; HTTP_JOBS_ALLOW can open it`);
    });

    it("refuses the service's own API", async () => {
      const { body } = await t.http.post('/jobs').send(httpJob(ownApi(), { method: 'POST', body: { name: 'planted', schedule: '* * * * *' } })).expect(400);
      expect(body.fields[0].field).toBe('params.url');
      expect((await t.http.get('/jobs?search=planted').expect(200)).body.total).toBe(0);
    });

    it('refuses a PATCH to a denied address and leaves the job as it was', async () => {
      const { body: job } = await t.http.post('/jobs').send(httpJob('http://127.0.0.2:9/hook')).expect(201);
      const { body } = await t.http.patch(`/jobs/${job.id}`).send({ params: { url: 'http://127.0.0.1:9/hook' } }).expect(400);
      expect(body.fields).toEqual([{ field: 'params.url', message: 'http jobs may not call 127.0.0.1, a loopback address; HTTP_JOBS_ALLOW can open it' }]);
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.params.url).toBe('http://127.0.0.2:9/hook');
    });

    it('accepts the addresses HTTP_JOBS_ALLOW opens, and public ones', async () => {
      await t.http.post('/jobs').send(httpJob('http://127.0.0.2:8080/')).expect(201);
      await t.http.post('/jobs').send(httpJob('https://93.184.215.14/')).expect(201);
    });
  });

  describe('when a job runs', () => {
    it('fails a run redirected to a denied address, without reaching it, and without saying whether the port is open', async () => {
      const internal = await start('127.0.0.1', (_request, response) => response.end('internal secrets'));
      const closedPort = (await start('127.0.0.1')).port;
      await servers.pop()!.close();
      const redirector = await start('127.0.0.2', (request, response) =>
        response.writeHead(302, { location: `http://127.0.0.1:${request.url === '/open' ? internal.port : closedPort}/` }).end(),
      );
      const toOpen = await runNow(`${redirector.origin}/open`);
      const toClosed = await runNow(`${redirector.origin}/closed`);
      expect(toOpen).toMatchObject({
        status: 'failed',
        output: null,
        error: 'http jobs may not connect to 127.0.0.1: the outbound policy refuses its address (HTTP_JOBS_ALLOW can open it)',
      });
      expect(toClosed.error).toBe(toOpen.error);
      expect(internal.connections).toBe(0);
    });

    it('does not send X-Api-Key or Authorization to another origin after a 302', async () => {
      const other = await start('127.0.0.3');
      const first = await start('127.0.0.2', (_request, response) => response.writeHead(302, { location: `${other.origin}/landing` }).end());
      const run = await runNow(`${first.origin}/`, { headers: { 'X-Api-Key': 'k3y', Authorization: 'Bearer s3cret' } });
      expect(run.status).toBe('succeeded');
      expect(first.requests[0].headers).toMatchObject({ 'x-api-key': 'k3y', authorization: 'Bearer s3cret' });
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0].headers['x-api-key']).toBeUndefined();
      expect(other.requests[0].headers.authorization).toBeUndefined();
    });

    it('stops reading an endless body at HTTP_JOB_MAX_RESPONSE_BYTES with flat memory, and says so in the output', async () => {
      const body = endlessBody('y');
      const endless = await start('127.0.0.2', body.handle);
      const { result: run, growthBytes } = await withPeakMemory(() => runNow(`${endless.origin}/stream`));
      expect(run.status).toBe('succeeded');
      const output = JSON.parse(run.output!) as { status: number; body: string };
      expect(output.status).toBe(200);
      expect(output.body).toBe(`${'y'.repeat(1000)}… [body longer than ${MAX_RESPONSE_BYTES} bytes: stopped reading there]`);
      expect(body.sent.bytes).toBeLessThan(128 * 1024 * 1024);
      expect(growthBytes).toBeLessThan(96 * 1024 * 1024);
    });
  });
});
