import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';

/**
 * Random request parts for the jobs API, and the contract they are judged by (issue 2's "API" section),
 * written out independently of the service's code.
 */

export const MAX_ID = 2_147_483_647;
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'abandoned', 'skipped', 'retry_pending', 'cancelled'];
export const JOB_FIELDS = [
  'name',
  'description',
  'schedule',
  'timezone',
  'type',
  'params',
  'isActive',
  'overlapPolicy',
  'misfirePolicy',
  'maxAttempts',
  'retryBackoffMs',
  'timeoutMs',
  'maxConcurrency',
  'jitterMs',
  'maxCatchUp',
] as const;
export type JobField = (typeof JOB_FIELDS)[number];

/** Over the 1 MB body limit on its own. */
export const OVERSIZED = 'x'.repeat(1_100_000);
const HUGE = 'h'.repeat(100_000);

/** PostgreSQL text and jsonb cannot hold U+0000; the API has to refuse it, not fail on it. */
const hasNul = (text: string) => text.includes('\u0000');

/** Valid schedules and how the service stores them (whitespace normalised). */
const VALID_SCHEDULES = new Map<string, string>([
  ['0 9 * * *', '0 9 * * *'],
  ['  */5   * * * *  ', '*/5 * * * *'],
  ['0 0 9 * * 1-5', '0 0 9 * * 1-5'],
  ['*/10 * * * * *', '*/10 * * * * *'],
  ['0 12 L * *', '0 12 L * *'],
  ['0 0 29 2 *', '0 0 29 2 *'],
  ['0 0 1 JAN,JUL *', '0 0 1 JAN,JUL *'],
  ['@daily', '@daily'],
]);
const everyMinute = Array.from({ length: 60 }, (_, minute) => minute).join(',');
const everyHour = Array.from({ length: 24 }, (_, hour) => hour).join(',');
const INVALID_SCHEDULES = [
  '61 * * * *',
  '* * *',
  '* * * * * * *',
  '',
  '@reboot',
  '0 0 30 2 *',
  '* * * x *',
  '0 9 * * *\u0000',
  // A valid expression longer than the 200 characters the schedule column holds.
  `${everyMinute} ${everyHour} * * *`,
  HUGE,
];

/** Valid time zones and their canonical names. */
const VALID_TIMEZONES = new Map<string, string>([
  ['UTC', 'UTC'],
  ['Europe/Paris', 'Europe/Paris'],
  ['america/new_york', 'America/New_York'],
  ['Asia/Kolkata', 'Asia/Kolkata'],
]);
const INVALID_TIMEZONES = ['Mars/Olympus', '', ' UTC', 'Europe/Nowhere', 'UTC\u0000', HUGE];

type Params = Record<string, unknown>;
/** Params and the type they are valid for, with the defaults that type fills in. */
const PARAMS: { value: unknown; validFor?: 'log' | 'http'; stored?: Params }[] = [
  { value: {}, validFor: 'log', stored: { level: 'log' } },
  { value: { message: 'hello' }, validFor: 'log', stored: { message: 'hello', level: 'log' } },
  { value: { level: 'warn' }, validFor: 'log', stored: { level: 'warn' } },
  { value: { message: 'm', level: 'debug' }, validFor: 'log', stored: { message: 'm', level: 'debug' } },
  { value: { url: 'https://example.com/hook' }, validFor: 'http', stored: { url: 'https://example.com/hook', method: 'GET', headers: {} } },
  {
    value: { url: 'http://127.0.0.1:9/x', method: 'POST', headers: { 'x-a': '1' }, body: { a: [1, 2] }, expectedStatus: [200, 204] },
    validFor: 'http',
    stored: { url: 'http://127.0.0.1:9/x', method: 'POST', headers: { 'x-a': '1' }, body: { a: [1, 2] }, expectedStatus: [200, 204] },
  },
  { value: { colour: 'red' } },
  { value: { url: 'ftp://x' } },
  { value: { level: 'loud' } },
  { value: { message: 'm'.repeat(2001) } },
  { value: { url: 'https://example.com', headers: { 'x-a': 1 } } },
];

export type Verdict =
  | { kind: 'ok'; stored: unknown }
  /** Fails the body's validation: a 400 naming the field. */
  | { kind: 'bad' }
  /** Passes the body's validation, fails the type's checks later: a 400 naming the field. */
  | { kind: 'rejectedLater' }
  /** null for a field that cannot be null: either refused (400 naming it) or taken as absent. */
  | { kind: 'null' };

const ok = (stored: unknown): Verdict => ({ kind: 'ok', stored });
const BAD: Verdict = { kind: 'bad' };
const NULL: Verdict = { kind: 'null' };

const isInteger = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** The verdict on one field's value, by the contract of POST /jobs and PATCH /jobs/:id. */
export function judgeField(field: JobField, value: unknown): Verdict {
  if (JSON.stringify(value)?.includes('\\u0000')) return BAD;
  if (value === null && field !== 'description' && field !== 'maxConcurrency') return NULL;
  switch (field) {
    case 'name': {
      // Stored trimmed: a name of spaces alone is empty.
      const name = typeof value === 'string' ? value.trim() : undefined;
      return name !== undefined && name.length >= 1 && name.length <= 200 && !hasNul(name) ? ok(name) : BAD;
    }
    case 'description':
      if (value === null) return ok(null);
      return typeof value === 'string' && value.length <= 2000 && !hasNul(value) ? ok(value) : BAD;
    case 'schedule':
      return typeof value === 'string' && VALID_SCHEDULES.has(value) ? ok(VALID_SCHEDULES.get(value)) : BAD;
    case 'timezone':
      return typeof value === 'string' && VALID_TIMEZONES.has(value) ? ok(VALID_TIMEZONES.get(value)) : BAD;
    case 'type':
      if (typeof value !== 'string') return BAD;
      return value === 'log' || value === 'http' ? ok(value) : { kind: 'rejectedLater' };
    case 'params':
      // Whether the params suit the type is judged with the type: see paramsFor.
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? ok(value) : BAD;
    case 'isActive':
      return typeof value === 'boolean' ? ok(value) : BAD;
    case 'overlapPolicy':
      return value === 'allow' || value === 'forbid' ? ok(value) : BAD;
    case 'misfirePolicy':
      return value === 'run_once' || value === 'skip' || value === 'run_all' ? ok(value) : BAD;
    case 'maxAttempts':
      return isInteger(value, 1, 10) ? ok(value) : BAD;
    case 'retryBackoffMs':
      return isInteger(value, 0, 86_400_000) ? ok(value) : BAD;
    case 'timeoutMs':
      return isInteger(value, 1, 86_400_000) ? ok(value) : BAD;
    case 'maxConcurrency':
      return value === null || isInteger(value, 1, 10_000) ? ok(value) : BAD;
    case 'jitterMs':
      return isInteger(value, 0, 3_600_000) ? ok(value) : BAD;
    case 'maxCatchUp':
      return isInteger(value, 1, 1_000) ? ok(value) : BAD;
  }
}

/** The params as stored for `type`, or undefined when they are not valid for it. */
export function paramsFor(type: string, params: unknown): Params | undefined {
  // Params read back from a job are already complete: valid again for the type they were stored with.
  const known = PARAMS.find((candidate) => isDeepStrictEqual(candidate.value, params) || isDeepStrictEqual(candidate.stored, params));
  return known && known.validFor === type ? known.stored : undefined;
}

const junk = fc.constantFrom<unknown>(42, -1, 1.5, true, false, {}, [], [1], { a: 1 }, '', HUGE, 'a\u0000b');
const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });

const FIELD_VALUES: Record<JobField, fc.Arbitrary<unknown>> = {
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'Daily Email Notification', 'job 1') },
    { weight: 3, arbitrary: text(30) },
    { weight: 1, arbitrary: fc.constantFrom('n'.repeat(200), 'n'.repeat(201), 'a\u0000b', null) },
    { weight: 1, arbitrary: junk },
  ),
  description: fc.oneof(text(40), fc.constantFrom(null, 'd'.repeat(2000), 'd'.repeat(2001), 'd\u0000'), junk),
  schedule: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...VALID_SCHEDULES.keys()) },
    { weight: 2, arbitrary: fc.constantFrom(...INVALID_SCHEDULES) },
    { weight: 1, arbitrary: fc.oneof(junk, fc.constant(null)) },
  ),
  timezone: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...VALID_TIMEZONES.keys()) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_TIMEZONES, null) },
    { weight: 1, arbitrary: junk },
  ),
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('log', 'http') },
    { weight: 1, arbitrary: fc.constantFrom('shell', 'ftp', '', 't'.repeat(100), 'toString', '__proto__', 'log\u0000', null) },
    { weight: 1, arbitrary: junk },
  ),
  params: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PARAMS.map((params) => params.value)) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([1], 'params', 7, null) },
  ),
  isActive: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('yes', 'true', 1, 0, null) }),
  overlapPolicy: fc.oneof(fc.constantFrom('allow', 'forbid'), fc.constantFrom<unknown>('sometimes', 'ALLOW', 1, null)),
  misfirePolicy: fc.oneof(fc.constantFrom('run_once', 'skip', 'run_all'), fc.constantFrom<unknown>('later', 'RUN_ONCE', 2, null)),
  maxAttempts: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom<unknown>(1.5, '3', 1e20, null)),
  retryBackoffMs: fc.oneof(fc.integer({ min: -5, max: 90_000_000 }), fc.constantFrom<unknown>(0.5, '1000', null)),
  timeoutMs: fc.oneof(fc.integer({ min: -5, max: 90_000_000 }), fc.constantFrom<unknown>(0, 86_400_001, 'x', null)),
  maxConcurrency: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom<unknown>(null, 10_000, 10_001, 2.5, '2')),
  jitterMs: fc.oneof(fc.integer({ min: -1, max: 5_000 }), fc.constantFrom<unknown>(3_600_000, 3_600_001, 1.5, '10', null)),
  maxCatchUp: fc.oneof(fc.integer({ min: -1, max: 20 }), fc.constantFrom<unknown>(1_000, 1_001, 2.5, '3', null)),
};

/** Keys no job has; the prototype's own names included, which must be refused like any other. */
const unknownKey = fc.oneof(
  fc.constantFrom('owner', 'id', 'nextRun', 'lastRun', 'createdAt', 'a.b', 'constructor', 'toString', 'hasOwnProperty'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
).filter((key) => !(JOB_FIELDS as readonly string[]).includes(key) && key !== '__proto__');

const validValue = (field: JobField) => FIELD_VALUES[field].filter((value) => judgeField(field, value).kind === 'ok');
const invalidValue = (field: JobField) => FIELD_VALUES[field].filter((value) => judgeField(field, value).kind !== 'ok');
/** Params with the type they suit. */
const suitedParams = fc.constantFrom(...PARAMS.filter((params) => params.validFor)).map(({ value, validFor }) => ({ value, type: validFor as string }));

/**
 * A body for POST or PATCH. Mostly valid, so that jobs get created and changed; else valid but for
 * one field or one unknown key; else anything: random fields, unknown keys, no object at all.
 */
export function jobBody({ withRequired }: { withRequired: boolean }): fc.Arbitrary<unknown> {
  const required: JobField[] = withRequired ? ['name', 'schedule'] : [];
  const chosenFields = fc.subarray([...JOB_FIELDS]).map((chosen) => [...new Set<JobField>([...required, ...chosen])]);
  const valid = fc.tuple(chosenFields, suitedParams).chain(([keys, params]) =>
    fc.record(Object.fromEntries(keys.map((key) => [key, validValue(key)])) as Record<string, fc.Arbitrary<unknown>>).map((body) => {
      // Type and params must suit each other: the params' type, or log (whose params default to {}).
      if ('params' in body) body.params = params.value;
      if ('type' in body || ('params' in body && params.type !== 'log')) body.type = 'params' in body ? params.type : 'log';
      return body;
    }),
  );
  const oneWrong = fc.tuple(valid, fc.constantFrom(...JOB_FIELDS), fc.boolean()).chain(([body, field, unknown]) =>
    unknown
      ? fc.tuple(unknownKey, fc.oneof(junk, text(5))).map(([key, value]) => ({ ...(body as object), [key]: value }))
      : invalidValue(field).map((value) => ({ ...(body as object), [field]: value })),
  );
  const anything = fc
    .tuple(
      fc.subarray([...JOB_FIELDS]),
      fc.option(fc.dictionary(unknownKey, fc.oneof(junk, text(5)), { minKeys: 1, maxKeys: 2 }), { freq: 4 }),
    )
    .chain(([keys, unknown]) =>
      fc
        .record(Object.fromEntries(keys.map((key) => [key, FIELD_VALUES[key]])) as Record<string, fc.Arbitrary<unknown>>)
        .map((body) => ({ ...(unknown ?? {}), ...body })),
    );
  return fc.oneof(
    { weight: 20, arbitrary: valid },
    { weight: 5, arbitrary: oneWrong },
    { weight: 3, arbitrary: anything },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([], [{ name: 'a' }], 'job', 12, null) },
    { weight: 1, arbitrary: fc.constant({ name: 'big', schedule: '0 9 * * *', description: OVERSIZED }) },
  );
}

/** A path id: an existing job's (picked when the command runs), absent, or not an id at all. */
export type IdChoice = { existing: number } | { raw: string };
export const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.nat().map((existing) => ({ existing })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.constantFrom('999999', String(MAX_ID), '01', '0', '-1', '1.5', '1e3', String(MAX_ID + 1), '99999999999999999999', ' 1', '0x1'),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((id) => id !== '.' && id !== '..'),
        fc.constant('9'.repeat(300)),
      )
      .map((raw) => ({ raw })),
  },
);

/** The id the service should read from the path text, or undefined when it must answer 400. */
export function parseId(raw: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(raw)) return undefined;
  const id = Number(raw);
  return id >= 1 && id <= MAX_ID ? id : undefined;
}

export type Query = [string, string][];

/** Query strings: known keys with good and bad values, repeated keys, unknown keys. */
export function queryFor(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Query> {
  const names = Object.keys(known);
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).chain((name) => known[name].map((value): [string, string] => [name, value])) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc
          .oneof(fc.constantFrom('colour', 'constructor', 'toString', 'a[b]', 'LIMIT'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }))
          .filter((key) => !names.includes(key) && key !== '__proto__'),
        text(6),
      ),
    },
  );
  return fc.array(pair, { maxLength: 4 });
}

export const numberText = (min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min, max }).map(String) },
    { weight: 2, arbitrary: fc.integer({ min: min - 5, max: max + 5 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('', 'ten', '1.5', '1e2', ' 5', '-0', 'Infinity', '0x10', '\u0000') },
  );

export const encodeQuery = (query: Query) => query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');

/** Groups repeated keys the way the query parser does: a repeated key is an array, so never a valid value. */
export function queryValues(query: Query): Map<string, string | string[]> {
  const values = new Map<string, string | string[]>();
  for (const [key, value] of query) {
    const previous = values.get(key);
    values.set(key, previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]);
  }
  return values;
}

/** How a numeric query value converts: as JavaScript's Number() reads the text. */
export function integerIn(value: string | string[], min: number, max: number): boolean {
  if (Array.isArray(value)) return false;
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max;
}
