import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

const REDIS_URL = 'redis://127.0.0.1:6379';

// The local Redis, under a prefix of this file's own, removed at the end.
describe('the job cache in Redis', () => {
  const prefix = `test-cache-${randomBytes(4).toString('hex')}:`;
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    t = await startTestApp({ REDIS_URL, REDIS_KEY_PREFIX: prefix, CACHE_TTL_MS: '60000', SCHEDULER_ENABLED: 'false' });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  afterAll(async () => {
    await t?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const keys = () => redis.keys(`${prefix}*`);
  const values = async () => Promise.all((await keys()).map((key) => redis.get(key)));

  it('serves what it cached: a change made behind the API stays unseen for the entry TTL', async () => {
    const { body: job } = await t.http.post('/jobs').send(makeJob({ description: 'first' })).expect(201);
    await t.http.get(`/jobs/${job.id}`).expect(200);
    await withClient(t.database.url, (client) => client.query("UPDATE jobs SET description = 'edited in SQL' WHERE id = $1", [job.id]));
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.description).toBe('first');
  });

  it('gives every key it writes an expiry, the version keys of deleted jobs included', async () => {
    const { body: job } = await t.http.post('/jobs').send(makeJob()).expect(201);
    await t.http.get(`/jobs/${job.id}`).expect(200);
    await t.http.get('/jobs?limit=5').expect(200);
    await t.http.patch(`/jobs/${job.id}`).send({ description: 'changed' }).expect(200);
    await t.http.delete(`/jobs/${job.id}`).expect(204);
    const written = await keys();
    expect(written).toEqual(expect.arrayContaining([`${prefix}job:${job.id}:v`, `${prefix}jobs:v`]));
    const ttls = await Promise.all(written.map(async (key) => [key, await redis.pttl(key)] as const));
    expect(ttls.filter(([, ttl]) => ttl < 0)).toEqual([]);
  });

  it('keeps no secret of a job: an answer holding one is read from the database each time', async () => {
    const secret = `s3cret-${randomBytes(4).toString('hex')}`;
    const { body: job } = await t.http
      .post('/jobs')
      .send(makeJob({ type: 'http', params: { url: `https://example.com/hook?key=${secret}-q`, headers: { 'X-Api-Key': secret } } }))
      .expect(201);
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.params.headers).toEqual({ 'X-Api-Key': secret });
    await t.http.get('/jobs?limit=100').expect(200);
    expect((await values()).filter((value) => value?.includes(secret))).toEqual([]);
    await withClient(t.database.url, (client) => client.query("UPDATE jobs SET description = 'fresh' WHERE id = $1", [job.id]));
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.description).toBe('fresh');
  });
});
