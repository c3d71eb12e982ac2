import { fieldDiff } from './field-diff';

const job = {
  name: 'hook',
  description: null,
  schedule: '0 9 * * *',
  timezone: 'UTC',
  type: 'http',
  params: { url: 'https://example.com/hook', method: 'GET', headers: { Authorization: 'Bearer s3cret' } },
  isActive: true,
  maxAttempts: 1,
};

describe('fieldDiff', () => {
  it('lists only the fields that changed, with their values before and after', () => {
    expect(fieldDiff(job, { ...job, schedule: '30 8 * * 1-5', maxAttempts: 3 })).toEqual([
      { field: 'schedule', before: '0 9 * * *', after: '30 8 * * 1-5' },
      { field: 'maxAttempts', before: 1, after: 3 },
    ]);
  });

  it('lists a one-off job\'s moved instant, as the rows hold it (a Date), and not an unmoved one', () => {
    const oneOff = { ...job, schedule: null, runAt: new Date('2026-12-24T18:00:00Z') };
    expect(fieldDiff(oneOff, { ...oneOff, runAt: new Date('2026-12-24T19:30:00Z') })).toEqual([
      { field: 'runAt', before: new Date('2026-12-24T18:00:00Z'), after: new Date('2026-12-24T19:30:00Z') },
    ]);
    expect(fieldDiff(oneOff, { ...oneOff, runAt: new Date(oneOff.runAt) })).toEqual([]);
  });

  it('finds a change inside params by its path', () => {
    const after = { ...job, params: { ...job.params, method: 'POST', body: undefined } };
    expect(fieldDiff(job, after)).toEqual([{ field: 'params.method', before: 'GET', after: 'POST' }]);
  });

  it('shows that a secret changed without either value', () => {
    const after = { ...job, params: { ...job.params, headers: { Authorization: 'Bearer other' } } };
    const diff = fieldDiff(job, after);
    expect(diff).toEqual([{ field: 'params.headers.Authorization', before: '[redacted]', after: '[redacted]' }]);
  });

  it('gives a created job every field, after only, with its secrets redacted', () => {
    const diff = fieldDiff(null, job);
    expect(diff).toContainEqual({ field: 'params.headers.Authorization', after: '[redacted]' });
    expect(diff).toContainEqual({ field: 'description', after: null });
    expect(diff.every((change) => !('before' in change))).toBe(true);
    expect(JSON.stringify(diff)).not.toContain('s3cret');
  });

  it('gives a deleted job every field, before only', () => {
    const diff = fieldDiff(job, null);
    expect(diff).toContainEqual({ field: 'name', before: 'hook' });
    expect(diff.every((change) => !('after' in change))).toBe(true);
  });

  it('redacts a secret-named object as a whole and URL query values', () => {
    const before = { params: { url: 'https://example.com/?key=k1', credentials: { user: 'u', password: 'p1' } } };
    const after = { params: { url: 'https://example.com/?key=k2', credentials: { user: 'u', password: 'p2' } } };
    expect(fieldDiff(before, after)).toEqual([
      { field: 'params.url', before: 'https://example.com/?key=redacted', after: 'https://example.com/?key=redacted' },
      { field: 'params.credentials.password', before: '[redacted]', after: '[redacted]' },
    ]);
  });

  it('compares arrays whole and ignores fields that are not set by people', () => {
    const before = { params: { expectedStatus: [200] }, nextRun: new Date(0) } as Record<string, unknown>;
    const after = { params: { expectedStatus: [200, 204] }, nextRun: new Date(1) } as Record<string, unknown>;
    expect(fieldDiff(before, after)).toEqual([{ field: 'params.expectedStatus', before: [200], after: [200, 204] }]);
  });

  it('keeps a key that holds a dot as one step of the path', () => {
    const before = { params: { headers: { 'x.trace': 'a' } } };
    const after = { params: { headers: { 'x.trace': 'b' } } };
    expect(fieldDiff(before, after)).toEqual([{ field: 'params.headers.x.trace', before: '[redacted]', after: '[redacted]' }]);
  });
});
