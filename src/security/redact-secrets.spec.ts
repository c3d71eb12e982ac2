import { holdsSecrets, REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('replaces every header value of an http job and keeps the header names', () => {
    const params = { url: 'https://example.com/hook', method: 'POST', headers: { Authorization: 'Bearer abc', 'X-Trace': '42' } };
    expect(redactSecrets(params)).toEqual({
      url: 'https://example.com/hook',
      method: 'POST',
      headers: { Authorization: REDACTED, 'X-Trace': REDACTED },
    });
  });

  it("replaces every value of a shell job's env", () => {
    const params = { command: 'pg_dump', args: ['--format=custom'], env: { PGPASSWORD: 'hunter2', PGHOST: 'db' } };
    expect(redactSecrets(params)).toEqual({ command: 'pg_dump', args: ['--format=custom'], env: { PGPASSWORD: REDACTED, PGHOST: REDACTED } });
  });

  it('replaces the leaves of a request body, at any depth, keeping its shape', () => {
    expect(redactSecrets({ body: { user: 'ann', retries: 3, flags: [true, 'x'], nested: { pin: 1234, none: null } } })).toEqual({
      body: { user: REDACTED, retries: REDACTED, flags: [REDACTED, REDACTED], nested: { pin: REDACTED, none: null } },
    });
    expect(redactSecrets({ body: 'password=hunter2' })).toEqual({ body: REDACTED });
  });

  it.each([
    ['password'],
    ['db_password'],
    ['clientSecret'],
    ['refresh_token'],
    ['apiKey'],
    ['X-Api-Key'],
    ['authorization'],
    ['Cookie'],
    ['credentials'],
    ['private_key'],
  ])('replaces the value of a key named %s, at any depth, whatever its type', (key) => {
    const value = { outer: [{ inner: { [key]: { anything: 'at all' } } }], kept: 'visible' };
    expect(redactSecrets(value)).toEqual({ outer: [{ inner: { [key]: REDACTED } }], kept: 'visible' });
  });

  it('removes the userinfo and query values of URLs, keeping their keys', () => {
    expect(redactSecrets({ url: 'https://ann:hunter2@example.com/hook?token=abc&page=2#top' })).toEqual({
      url: 'https://redacted@example.com/hook?token=redacted&page=redacted#top',
    });
    expect(redactSecrets(['postgresql://app:pw@db:5432/main', 'https://example.com/x?flag'])).toEqual([
      'postgresql://redacted@db:5432/main',
      'https://example.com/x?redacted',
    ]);
  });

  it('leaves text that is not a URL, URLs without secrets, and other values as they are', () => {
    const value = {
      name: 'nightly report',
      description: 'calls https://example.com/?a=1 every night',
      url: 'https://EXAMPLE.com/a/../b',
      count: 3,
      active: true,
      none: null,
      at: new Date('2026-01-01T00:00:00Z'),
    };
    expect(redactSecrets(value)).toEqual(value);
    expect(holdsSecrets(value)).toBe(false);
  });

  it('does not change its argument', () => {
    const params = { headers: { authorization: 'Bearer abc' }, url: 'https://a:b@example.com' };
    const copy = structuredClone(params);
    redactSecrets(params);
    expect(params).toEqual(copy);
  });

  it('reads the fields of class instances such as response objects', () => {
    class Response {
      constructor(readonly params: object) {}
    }
    expect(redactSecrets(new Response({ env: { KEY: 'v' } }))).toEqual({ params: { env: { KEY: REDACTED } } });
  });
});

describe('holdsSecrets', () => {
  it('tells whether redaction would change anything', () => {
    expect(holdsSecrets({ params: { url: 'https://example.com', headers: {} } })).toBe(false);
    expect(holdsSecrets({ params: { url: 'https://example.com', headers: { 'x-key': 'k' } } })).toBe(true);
    expect(holdsSecrets({ params: { url: 'https://example.com/?q=1' } })).toBe(true);
    expect(holdsSecrets({ data: [{ params: { level: 'log' } }, { params: { env: { A: 'b' } } }] })).toBe(true);
  });
});
