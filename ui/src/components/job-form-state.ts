// The job form as strings, as a person types it, and the conversions to and from the API's job.
import type { FieldProblem } from '../api';
import { JOB_TYPES, type Job, type JobInput } from '../types';

export interface FormState {
  name: string;
  description: string;
  /** A job runs on a cron schedule, or once at runAt (a one-off job). */
  timing: 'schedule' | 'once';
  schedule: string;
  /** The one-off instant in the viewer's zone, as a datetime-local input holds it (2026-12-24T18:00). */
  runAt: string;
  timezone: string;
  type: string;
  /** Comma-separated. */
  tags: string;
  isActive: boolean;
  overlapPolicy: string;
  misfirePolicy: string;
  maxCatchUp: string;
  jitterMs: string;
  maxAttempts: string;
  retryBackoffMs: string;
  timeoutMs: string;
  // Params of each built-in type, kept apart so switching type back and forth loses nothing.
  logMessage: string;
  logLevel: string;
  httpUrl: string;
  httpMethod: string;
  httpHeaders: string;
  httpBody: string;
  httpExpectedStatus: string;
  shellCommand: string;
  shellArgs: string;
  shellCwd: string;
  shellEnv: string;
  /** Params of a type this dashboard does not know, as JSON. */
  otherParams: string;
}

export const EMPTY_FORM: FormState = {
  name: '',
  description: '',
  timing: 'schedule',
  schedule: '',
  runAt: '',
  timezone: 'UTC',
  type: 'log',
  tags: '',
  isActive: true,
  overlapPolicy: 'allow',
  misfirePolicy: 'run_once',
  maxCatchUp: '10',
  jitterMs: '0',
  maxAttempts: '1',
  retryBackoffMs: '1000',
  timeoutMs: '60000',
  logMessage: '',
  logLevel: 'log',
  httpUrl: '',
  httpMethod: 'GET',
  httpHeaders: '',
  httpBody: '',
  httpExpectedStatus: '',
  shellCommand: '',
  shellArgs: '',
  shellCwd: '',
  shellEnv: '',
  otherParams: '{}',
};

const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));
const pairs = (value: unknown, separator: string) =>
  Object.entries((value ?? {}) as Record<string, string>)
    .map(([key, item]) => `${key}${separator}${item}`)
    .join('\n');

export function formFromJob(job: Job): FormState {
  const p: Record<string, unknown> = job.params;
  const known = (JOB_TYPES as readonly string[]).includes(job.type);
  return {
    ...EMPTY_FORM,
    name: job.name,
    description: job.description ?? '',
    timing: job.runAt === null ? 'schedule' : 'once',
    schedule: job.schedule ?? '',
    runAt: job.runAt === null ? '' : localInput(job.runAt),
    timezone: job.timezone,
    type: job.type,
    tags: job.tags.join(', '),
    isActive: job.isActive,
    overlapPolicy: job.overlapPolicy,
    misfirePolicy: job.misfirePolicy,
    maxCatchUp: String(job.maxCatchUp),
    jitterMs: String(job.jitterMs),
    maxAttempts: String(job.maxAttempts),
    retryBackoffMs: String(job.retryBackoffMs),
    timeoutMs: String(job.timeoutMs),
    ...(job.type === 'log' && { logMessage: text(p.message), logLevel: text(p.level) || 'log' }),
    ...(job.type === 'http' && {
      httpUrl: text(p.url),
      httpMethod: text(p.method) || 'GET',
      httpHeaders: pairs(p.headers, ': '),
      httpBody: text(p.body),
      httpExpectedStatus: Array.isArray(p.expectedStatus) ? p.expectedStatus.join(', ') : '',
    }),
    ...(job.type === 'shell' && {
      shellCommand: text(p.command),
      shellArgs: Array.isArray(p.args) ? p.args.join('\n') : '',
      shellCwd: text(p.cwd),
      shellEnv: pairs(p.env, '='),
    }),
    ...(!known && { otherParams: JSON.stringify(p, null, 2) }),
  };
}

/** An instant as a datetime-local input shows it: the viewer's wall-clock time, to the second. */
function localInput(iso: string): string {
  const instant = new Date(iso);
  return new Date(instant.getTime() - instant.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** The datetime-local text (the viewer's wall-clock time) as an ISO-8601 instant; a problem when there is none. */
function instantOf(value: string, problems: FieldProblem[]): string | undefined {
  const instant = new Date(value);
  if (value.trim() !== '' && !Number.isNaN(instant.getTime())) return instant.toISOString();
  problems.push({ field: 'runAt', message: 'give the date and time a one-off job runs at' });
  return undefined;
}

/**
 * When the job runs: a schedule or a runAt, never both. An edit leaves an untouched runAt out: the
 * input holds whole seconds, so sending it back would move the stored instant.
 */
function timingOf(form: FormState, saved: Job | undefined, problems: FieldProblem[]): { schedule?: string; runAt?: string } {
  if (form.timing === 'schedule') return { schedule: form.schedule.trim() };
  if (saved?.runAt && form.runAt === localInput(saved.runAt)) return {};
  return { runAt: instantOf(form.runAt, problems) };
}

/** "Name: value" or "KEY=value" lines as an object; a line without the separator is a problem. */
function parsePairs(value: string, separator: string, field: string, problems: FieldProblem[]): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  const lines = value.split('\n').filter((line) => line.trim() !== '');
  lines.forEach((line, index) => {
    const at = line.indexOf(separator);
    if (at <= 0) {
      const example = separator === '=' ? 'NAME=value' : 'Name: value';
      problems.push({ field, message: `line ${index + 1} should read "${example}"` });
      return;
    }
    result[line.slice(0, at).trim()] = line.slice(at + separator.length).trim();
  });
  return lines.length ? result : undefined;
}

/** A number when the text is one; otherwise the text itself, which the API refuses with a clear message. */
function numberOrText(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function paramsOf(form: FormState, problems: FieldProblem[]): Record<string, unknown> {
  switch (form.type) {
    case 'log':
      return { ...(form.logMessage.trim() && { message: form.logMessage }), level: form.logLevel };
    case 'http': {
      const params: Record<string, unknown> = { url: form.httpUrl.trim(), method: form.httpMethod };
      const headers = parsePairs(form.httpHeaders, ':', 'params.headers', problems);
      if (headers) params.headers = headers;
      if (form.httpBody.trim()) {
        // JSON when it reads as JSON (sent as JSON), the text as is otherwise.
        try {
          params.body = JSON.parse(form.httpBody) as unknown;
        } catch {
          params.body = form.httpBody;
        }
      }
      const statuses = form.httpExpectedStatus.split(/[\s,]+/).filter(Boolean);
      if (statuses.length) params.expectedStatus = statuses.map(numberOrText);
      return params;
    }
    case 'shell': {
      const params: Record<string, unknown> = { command: form.shellCommand.trim() };
      const args = form.shellArgs.split('\n').filter((line) => line !== '');
      if (args.length) params.args = args;
      if (form.shellCwd.trim()) params.cwd = form.shellCwd.trim();
      const env = parsePairs(form.shellEnv, '=', 'params.env', problems);
      if (env) params.env = env;
      return params;
    }
    default:
      try {
        return JSON.parse(form.otherParams || '{}') as Record<string, unknown>;
      } catch (error) {
        problems.push({ field: 'params', message: `is not valid JSON (${(error as Error).message})` });
        return {};
      }
  }
}

/** The body of POST /jobs or PATCH /jobs/:id (of the `saved` job), and the problems the browser can already see. */
export function inputFromForm(form: FormState, saved?: Job): { input: JobInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const params = paramsOf(form, problems);
  const input = {
    name: form.name.trim(),
    description: form.description.trim() === '' ? null : form.description,
    ...timingOf(form, saved, problems),
    timezone: form.timezone.trim() || 'UTC',
    type: form.type,
    params,
    tags: form.tags.split(/[\s,]+/).filter(Boolean),
    isActive: form.isActive,
    overlapPolicy: form.overlapPolicy,
    misfirePolicy: form.misfirePolicy,
    maxCatchUp: form.misfirePolicy === 'run_all' ? numberOrText(form.maxCatchUp) : undefined,
    jitterMs: numberOrText(form.jitterMs),
    maxAttempts: numberOrText(form.maxAttempts),
    retryBackoffMs: numberOrText(form.retryBackoffMs),
    timeoutMs: numberOrText(form.timeoutMs),
  };
  // An emptied number field means "the default" on create and "unchanged" on edit: leave it out.
  for (const key of ['maxCatchUp', 'jitterMs', 'maxAttempts', 'retryBackoffMs', 'timeoutMs'] as const) if (input[key] === undefined) delete input[key];
  return { input: input as JobInput, problems };
}
