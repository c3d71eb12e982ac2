import { parseApiKeys, sha256 } from './api-keys';

describe('parseApiKeys', () => {
  const hex = (token: string) => sha256(token).toString('hex');

  it('makes every API_TOKENS entry an admin, named after its digest', () => {
    const { keys, problems } = parseApiKeys(' alpha , beta ', undefined);
    expect(problems).toEqual([]);
    expect(keys).toEqual([
      { name: `api-token-${hex('alpha').slice(0, 8)}`, role: 'admin', digest: sha256('alpha') },
      { name: `api-token-${hex('beta').slice(0, 8)}`, role: 'admin', digest: sha256('beta') },
    ]);
  });

  it('reads API_KEYS as name:role:token, a token possibly holding colons', () => {
    const { keys, problems } = parseApiKeys(undefined, 'grafana:reader:r-token, on-call:operator:a:b:c');
    expect(problems).toEqual([]);
    expect(keys).toEqual([
      { name: 'grafana', role: 'reader', digest: sha256('r-token') },
      { name: 'on-call', role: 'operator', digest: sha256('a:b:c') },
    ]);
  });

  it('takes sha256:<hex> as the digest of the token, in either form', () => {
    const { keys } = parseApiKeys(`sha256:${hex('alpha')}`, `ci:admin:sha256:${hex('ci-token').toUpperCase()}`);
    expect(keys.map(({ digest }) => digest)).toEqual([sha256('alpha'), sha256('ci-token')]);
  });

  it('refuses a variable that is set but holds no token, such as ","', () => {
    expect(parseApiKeys(',', undefined)).toEqual({ keys: [], problems: [{ field: 'API_TOKENS', message: 'is set but holds no token' }] });
    expect(parseApiKeys(undefined, ' , ').problems).toEqual([{ field: 'API_KEYS', message: 'is set but holds no key' }]);
  });

  it('names each bad entry and its problem, never its token', () => {
    const { keys, problems } = parseApiKeys('sha256:abc', 'no-role-secret1, bad name:reader:secret2, x:writer:secret3, y:admin:, z:admin:sha256:12, ok:reader:t, ok:admin:u');
    expect(problems).toEqual([
      { field: 'API_TOKENS', message: 'entry 1: a sha256: digest must be 64 hexadecimal digits' },
      { field: 'API_KEYS', message: 'entry 1: must be name:role:token' },
      { field: 'API_KEYS', message: 'entry 2: the name must be 1-100 letters, digits, ".", "@", "-" or "_"' },
      { field: 'API_KEYS', message: 'entry 3: the role must be one of reader, operator, admin' },
      { field: 'API_KEYS', message: 'entry 4: the token is empty' },
      { field: 'API_KEYS', message: 'entry 5: a sha256: digest must be 64 hexadecimal digits' },
      { field: 'API_KEYS', message: 'entry 7: the name ok is used twice' },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/secret\d/);
    expect(keys.map(({ name }) => name)).toEqual(['ok']);
  });
});
