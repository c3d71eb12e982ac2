import {
  integerIn,
  JOB_FIELDS,
  type JobField,
  judgeField,
  OVERSIZED,
  paramsFor,
  parseId,
  type Query,
  queryValues,
} from './job-arbitraries';

/**
 * What the jobs API must answer to a request, decided from issue 2's contract before the request is
 * sent, and how to tell whether a 400 names the right fields.
 */

/** A job as the API shows it; the model holds one per job the database should hold. */
export type Job = Record<string, unknown> & { id: number; name: string; type: string; params: unknown; isActive: boolean };
export type Model = Map<number, Job>;

/** What a request must produce, decided from the contract before it is sent. */
export type Expected =
  /**
   * A 400 that names `naming`, and may also name `alsoNaming`. With `every`, it names each of `naming`;
   * without, at least one (unknown keys and NUL characters are refused before anything else is looked at).
   */
  | { status: 400; naming: string[]; every: boolean; alsoNaming?: string[] }
  | { status: 404 | 409 | 413 | 414 }
  | { status: 200 | 201 | 204; job?: Record<string, unknown> };

/**
 * The expected outcome, and fields whose value the contract leaves open: null on a field that cannot
 * be null, a NUL character in a filter. The service may refuse them (a 400 naming one of them) or take
 * them as absent (a null) or as matching nothing (a filter).
 */
export type Judged = { expected: Expected; mayRefuse: string[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A numeric query value as the service reads it (and -0 as JSON writes it). */
export const asNumber = (value: unknown) => Number(value) + 0;

export const refuse = (naming: string[], every = true, alsoNaming: string[] = []): Expected => ({ status: 400, naming, every, alsoNaming });

export function describeValue(value: unknown): string {
  return JSON.stringify(value, (_, item) => (typeof item === 'string' && item.length > 60 ? `${item.slice(0, 20)}…(${item.length} chars)` : item));
}

/** Sorts a body's fields into refused ones, nulls and accepted values (as stored). */
function judgeBody(body: Record<string, unknown>, required: JobField[]) {
  const refused: string[] = [];
  const nulls: JobField[] = [];
  const rejectedLater: JobField[] = [];
  const values: Partial<Record<JobField, unknown>> = {};
  let unknownKeys = false;
  for (const [key, value] of Object.entries(body)) {
    if (!(JOB_FIELDS as readonly string[]).includes(key)) {
      refused.push(key);
      unknownKeys = true;
      continue;
    }
    const field = key as JobField;
    const verdict = judgeField(field, value);
    if (verdict.kind === 'bad' || (verdict.kind === 'null' && required.includes(field))) refused.push(field);
    else if (verdict.kind === 'null') nulls.push(field);
    else if (verdict.kind === 'rejectedLater') rejectedLater.push(field);
    else values[field] = verdict.stored;
  }
  for (const field of required) if (!(field in body)) refused.push(field);
  return { refused, nulls, rejectedLater, values, every: !unknownKeys };
}

export function judgeCreate(body: unknown, model: Model): Judged {
  if (isObject(body) && body.description === OVERSIZED) return { expected: { status: 413 }, mayRefuse: [] };
  if (!isObject(body)) return { expected: refuse(['body']), mayRefuse: [] };
  const { refused, nulls, rejectedLater, values, every } = judgeBody(body, ['name', 'schedule']);
  // The params' own problems are reported beside the other fields' (for the type named, log when none is).
  if (refused.length > 0) return { expected: refuse(refused, every, [...nulls, 'params']), mayRefuse: [] };
  const judged = (expected: Expected): Judged => ({ expected, mayRefuse: nulls });
  if (rejectedLater.includes('type')) return judged(refuse(['type']));
  const type = (values.type as string | undefined) ?? 'log';
  const params = paramsFor(type, values.params ?? {});
  if (!params) return judged(refuse(['params']));
  if (!concurrencyFits(values.overlapPolicy ?? 'allow', values.maxConcurrency ?? null)) return judged(refuse(['maxConcurrency']));
  if ([...model.values()].some((job) => job.name === values.name)) return judged({ status: 409 });
  return judged({
    status: 201,
    job: {
      description: null,
      timezone: 'UTC',
      isActive: true,
      overlapPolicy: 'allow',
      misfirePolicy: 'run_once',
      maxAttempts: 1,
      retryBackoffMs: 1000,
      timeoutMs: 60000,
      maxConcurrency: null,
      notify: null,
      jitterMs: 0,
      maxCatchUp: 10,
      runAt: null,
      tags: [],
      ...values,
      type,
      params,
      lastRun: null,
      lastStatus: null,
      scheduleError: null,
    },
  });
}

export function judgeUpdate(id: string, body: unknown, model: Model): Judged {
  const idProblem = judgeId(id);
  // The router refuses an over-long path before the body is read.
  if (idProblem?.status === 414) return { expected: idProblem, mayRefuse: [] };
  if (isObject(body) && body.description === OVERSIZED) return { expected: { status: 413 }, mayRefuse: [] };
  const { refused, nulls, rejectedLater, values, every } = isObject(body) ? judgeBody(body, []) : { ...judgeBody({}, []), refused: ['body'] };
  // The id and the body are checked side by side: a request wrong in both may name either.
  if (idProblem?.status === 400 && (refused.length > 0 || nulls.length > 0)) {
    return { expected: refuse(['id', ...refused], false, nulls), mayRefuse: [] };
  }
  if (idProblem) return { expected: idProblem, mayRefuse: [] };
  if (refused.length > 0) return { expected: refuse(refused, every, [...nulls, 'params']), mayRefuse: [] };
  const judged = (expected: Expected): Judged => ({ expected, mayRefuse: nulls });
  const current = model.get(parseId(id) as number);
  if (!current) return judged({ status: 404 });
  const changes: Record<string, unknown> = { ...values };
  if ('type' in (body as object) || 'params' in (body as object)) {
    if (rejectedLater.includes('type')) return judged(refuse(['type']));
    const type = (values.type as string | undefined) ?? current.type;
    // A new type starts from its own defaults: the old type's params are not carried over.
    const typeChanged = values.type !== undefined && values.type !== current.type;
    const params = paramsFor(type, values.params ?? (typeChanged ? {} : current.params));
    if (!params) return judged(refuse(['params']));
    changes.params = params;
  }
  const maxConcurrency = 'maxConcurrency' in values ? values.maxConcurrency : current.maxConcurrency;
  if (!concurrencyFits(values.overlapPolicy ?? current.overlapPolicy, maxConcurrency ?? null)) {
    return judged(refuse(['maxConcurrency' in values ? 'maxConcurrency' : 'overlapPolicy']));
  }
  if (values.name !== undefined && [...model.values()].some((job) => job.id !== current.id && job.name === values.name)) {
    return judged({ status: 409 });
  }
  return judged({ status: 200, job: { ...current, ...changes } });
}

/** overlapPolicy "forbid" runs one at a time: maxConcurrency may only be null or 1 with it. */
const concurrencyFits = (overlapPolicy: unknown, maxConcurrency: unknown) => overlapPolicy !== 'forbid' || maxConcurrency === null || maxConcurrency === 1;

/** 400 for text that is not a positive 32-bit integer; 414 past the router's 100-character parameter limit. */
export function judgeId(raw: string): Expected | undefined {
  if (raw.length > 100) return { status: 414 };
  return parseId(raw) === undefined ? refuse(['id']) : undefined;
}

/**
 * Which known query keys take which values; every other key must be refused. `every`: whether a 400
 * must name each refused key (not when unknown keys, refused first, are among them).
 */
export function judgeQuery(
  query: Query,
  rules: Record<string, (value: string | string[]) => boolean | 'either'>,
): { refused: string[]; doubtful: string[]; every: boolean } {
  const refused: string[] = [];
  const doubtful: string[] = [];
  let every = true;
  for (const [key, value] of queryValues(query)) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    const verdict = rule ? rule(value) : false;
    if (verdict === false) refused.push(key);
    if (verdict === 'either') doubtful.push(key);
    if (!rule) every = false;
  }
  return { refused, doubtful, every };
}

/** A text filter: within `max` characters; a NUL character may be refused or match nothing. */
export const textRule = (max: number) => (value: string | string[]) =>
  typeof value === 'string' && value.length <= max && (value.includes('\u0000') ? ('either' as const) : true);
/**
 * A list's query as the service reads it: a parameter given once with an empty value counts as absent,
 * whatever the parameter, known or not (given twice it is a list, and judged).
 */
export function withoutEmptyValues(query: Query): Query {
  const occurrences = new Map<string, number>();
  for (const [key] of query) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
  return query.filter(([key, value]) => value !== '' || occurrences.get(key) !== 1);
}

/** A list's query (filters and page): an empty value counts as absent, whatever the parameter. */
export const listRules = (rules: Record<string, (value: string | string[]) => boolean | 'either'>) =>
  Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, (value: string | string[]) => value === '' || rule(value)]));
export const PAGE_RULES = { limit: (value: string | string[]) => integerIn(value, 1, 100), offset: (value: string | string[]) => integerIn(value, 0, 1e9) };

/** `field` names `reported` itself or a part of it (params.url, timezone[1]). */
export const covers = (field: string, reported: string) => reported === field || reported.startsWith(`${field}.`) || reported.startsWith(`${field}[`);

export function reportedFields(body: { fields?: { field: string }[]; message?: string }): string[] {
  return Array.isArray(body.fields) ? body.fields.map((item) => item.field) : [];
}

/**
 * Why a 400 does not name the fields it should, if it does not: every field it reports must be one
 * of `naming`, be named in the message, and (with `every`) each of `naming` must be reported.
 */
export function namingProblem(
  body: { fields?: { field: string }[]; message?: string },
  naming: string[],
  every: boolean,
  alsoNaming: string[] = [],
): string | undefined {
  const message = String(body.message);
  const reported = reportedFields(body);
  if (reported.length === 0) return naming.some((field) => message.includes(`${field}: `)) ? undefined : 'the message names no field';
  const stranger = reported.find((field) => ![...naming, ...alsoNaming].some((name) => covers(name, field)));
  if (stranger !== undefined) return `reports ${JSON.stringify(stranger)}, which is not wrong`;
  const unnamed = reported.find((field) => !message.includes(`${field}: `));
  if (unnamed !== undefined) return `the message does not name ${JSON.stringify(unnamed)}`;
  const missed = every ? naming.find((name) => !reported.some((field) => covers(name, field))) : undefined;
  return missed === undefined ? undefined : `does not report ${JSON.stringify(missed)}`;
}

/** Every response: never 5xx; every 4xx in the error shape. */
export function checkShape(response: { status: number; body: unknown }, request: string) {
  if (response.status >= 500) throw new Error(`${request} answered ${response.status}: ${describeValue(response.body)}`);
  if (response.status >= 400) {
    const body = response.body as Record<string, unknown>;
    if (body.statusCode !== response.status || typeof body.error !== 'string' || typeof body.message !== 'string') {
      throw new Error(`${request} answered ${response.status} without the error shape: ${describeValue(body)}`);
    }
  }
}

/** Checks a response against what the contract says; returns whether the request changed something. */
export function checkOutcome(
  response: { status: number; body: { fields?: { field: string }[]; message?: string } },
  judged: Judged,
  request: string,
  sent: unknown = undefined,
): boolean {
  checkShape(response, request);
  const { expected, mayRefuse } = judged;
  if (response.status === 400 && mayRefuse.length > 0 && reportedFields(response.body).some((field) => mayRefuse.some((name) => covers(name, field)))) {
    return false;
  }
  const context = `${request}\n  expected ${describeValue(expected)}\n  got ${response.status} ${describeValue(response.body)}`;
  if (response.status !== expected.status) throw new Error(`wrong status: ${context}`);
  if (expected.status === 400) {
    // A NUL character is refused before anything else is looked at, so it may be named alone.
    const every = expected.every && !JSON.stringify(sent ?? request).includes('\\u0000');
    const problem = namingProblem(response.body, expected.naming, every, expected.alsoNaming);
    if (problem) throw new Error(`${problem}: ${context}`);
  }
  return expected.status < 300;
}
