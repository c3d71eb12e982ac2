import { contractProblem } from './support/api-document';

const json = { 'content-type': 'application/json; charset=utf-8' };
const job = {
  id: 1,
  name: 'n',
  description: null,
  schedule: '0 9 * * *',
  timezone: 'UTC',
  type: 'log',
  params: { level: 'log' },
  isActive: true,
  overlapPolicy: 'allow',
  misfirePolicy: 'run_once',
  maxAttempts: 1,
  retryBackoffMs: 1000,
  timeoutMs: 60000,
  maxConcurrency: null,
  notify: null,
  runAt: null,
  jitterMs: 0,
  maxCatchUp: 10,
  lastRun: null,
  lastStatus: null,
  nextRun: '2026-12-03T09:00:00.000Z',
  scheduleError: null,
  tags: [],
  createdAt: '2026-12-02T09:00:00.000Z',
  updatedAt: '2026-12-02T09:00:00.000Z',
};

/** The check every e2e response goes through (test/support/contract-client.ts) must be able to fail. */
describe('checking a response against the API document', () => {
  it('takes a job as the API answers it, lastStatus null included', () => {
    expect(contractProblem('get', '/jobs/1', { status: 200, body: job, headers: json })).toBeUndefined();
  });

  it.each([
    ['a missing field', { ...job, nextRun: undefined }, "must have required property 'nextRun'"],
    ['a fractional id', { ...job, id: 1.5 }, 'must be integer'],
    ['a type that is not declared', { ...job, type: 'ftp' }, 'must be equal to one of the allowed values'],
    ['params of another type', { ...job, params: { url: 'https://example.com' } }, 'must NOT have additional properties'],
    ['a lastStatus outside the enum', { ...job, lastStatus: 'great' }, 'must be equal to one of the allowed values'],
  ])('refuses a job with %s', (_, body, message) => {
    expect(contractProblem('get', '/jobs/1', { status: 200, body, headers: json })).toContain(message);
  });

  it('refuses an error without the error shape', () => {
    expect(contractProblem('post', '/jobs', { status: 400, body: { message: 'no' }, headers: json })).toContain("must have required property 'statusCode'");
  });

  it('refuses a status the operation does not list', () => {
    expect(contractProblem('get', '/jobs', { status: 418, body: {}, headers: json })).toContain('GET /jobs answered 418, which the document does not list');
  });

  it('leaves paths and methods outside the document alone', () => {
    expect(contractProblem('get', '/ui/', { status: 200, body: 'html', headers: {} })).toBeUndefined();
    expect(contractProblem('put', '/jobs/1', { status: 405, body: {}, headers: json })).toBeUndefined();
  });
});
