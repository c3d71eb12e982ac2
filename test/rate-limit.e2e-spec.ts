import { startTestApp, type TestApp } from './support/test-app';

const LIMIT = 5;

// One client is one address: with TRUST_PROXY the tests play several through X-Forwarded-For.
describe('the rate limit, per client across routes', () => {
  let t: TestApp;
  let clients = 0;
  const newClient = () => `198.51.100.${(clients += 1)}`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({ API_TOKENS: 'good-token', THROTTLE_LIMIT: String(LIMIT), THROTTLE_TTL_MS: '60000', TRUST_PROXY: 'true' });
  });
  afterAll(() => t?.close());

  const get = (client: string, path: string, token = 'good-token') => t.http.get(path).set('x-forwarded-for', client).set(bearer(token));

  it('answers 429 on /jobs too after a 429 on /jobs/1, with Retry-After and a message', async () => {
    const client = newClient();
    const statuses: number[] = [];
    for (let request = 0; request < LIMIT + 1; request += 1) statuses.push((await get(client, '/jobs/1')).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const other = await get(client, '/jobs');
    expect(other.status).toBe(429);
    expect(other.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('Retry-After') });
    expect(Number(other.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(other.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await get(client, '/schedules/preview?schedule=*+*+*+*+*')).status).toBe(429);
    expect((await get(client, '/api-json')).status).toBe(429);
  });

  it('counts refused tokens, so that guessing them is throttled, then refuses the right one too', async () => {
    const client = newClient();
    const statuses: number[] = [];
    for (let guess = 0; guess < LIMIT + 3; guess += 1) statuses.push((await get(client, '/jobs', `guess-${guess}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await get(client, '/jobs')).status).toBe(429);
  });

  it('never limits /health and /health/live, and counts nothing for them', async () => {
    const client = newClient();
    for (let probe = 0; probe < LIMIT * 3; probe += 1) {
      await t.http.get('/health/live').set('x-forwarded-for', client).expect(200);
      expect([200, 503]).toContain((await t.http.get('/health').set('x-forwarded-for', client)).status);
    }
    expect((await get(client, '/jobs')).status).toBe(200);
    for (let request = 1; request < LIMIT; request += 1) await get(client, '/jobs').expect(200);
    expect((await get(client, '/jobs')).status).toBe(429);
    await t.http.get('/health/live').set('x-forwarded-for', client).expect(200);
  });

  it('leaves other clients alone', async () => {
    const noisy = newClient();
    for (let request = 0; request <= LIMIT; request += 1) await get(noisy, '/jobs');
    expect((await get(noisy, '/jobs')).status).toBe(429);
    expect((await get(newClient(), '/jobs')).status).toBe(200);
  });
});
