// The one way the dashboard reaches the service: relative URLs of the public REST API through the client
// typed by its document (src/api-client), the bearer token (when the service wants one) from sessionStorage,
// and errors as ApiError.
import type { operations } from '../../src/api-client/api-types';
import { createSchedulerApi } from '../../src/api-client/scheduler-api';
import type { JobInput } from './types';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error answer of the API (`{statusCode, error, message, fields}`), or status 0 when unreachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'scheduler.apiToken';

/** Asks the person for a token; resolves with it, or rejects when they decline. */
export type TokenPrompt = (previousWasWrong: boolean) => Promise<string>;

let tokenPrompt: TokenPrompt | undefined;
let pendingToken: Promise<string> | undefined;
let declined = false;
const tokenListeners = new Set<() => void>();

/** Calls `listener` whenever a token is stored or forgotten; returns the unsubscribe function. */
export function onTokenChange(listener: () => void): () => void {
  tokenListeners.add(listener);
  return () => void tokenListeners.delete(listener);
}

export function setTokenPrompt(prompt: TokenPrompt): void {
  tokenPrompt = prompt;
}

export function hasToken(): boolean {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenListeners.forEach((listener) => listener());
}

/**
 * One prompt for every request that got a 401 at the same time; after a refusal, background refreshes
 * stop asking until the person asks to sign in (`signIn`).
 */
function requestToken(previousWasWrong: boolean): Promise<string> {
  if (!tokenPrompt || declined) return Promise.reject(new ApiError(401, 'This service needs an API token.'));
  pendingToken ??= tokenPrompt(previousWasWrong)
    .then((token) => {
      sessionStorage.setItem(TOKEN_KEY, token);
      declined = false;
      tokenListeners.forEach((listener) => listener());
      return token;
    })
    .catch(() => {
      declined = true;
      throw new ApiError(401, 'This service needs an API token.');
    })
    .finally(() => {
      pendingToken = undefined;
    });
  return pendingToken;
}

export function signIn(): Promise<string> {
  declined = false;
  return requestToken(hasToken());
}

/**
 * fetch with the stored token; on a 401, asks for a token and sends the request again with it. The
 * request is cloned for each attempt, since sending it consumes its body.
 */
async function fetchWithToken(request: Request): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const attempted = request.clone();
    if (token !== null) attempted.headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(attempted);
    } catch (error) {
      throw new ApiError(0, `The service cannot be reached (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (response.status !== 401 || attempt > 3) return response;
    // Another request may have stored a new token meanwhile: then just try again with it.
    if (sessionStorage.getItem(TOKEN_KEY) === token) await requestToken(token !== null);
  }
}

/** Query strings without the values left empty, as the filters of a form leave them (every value is a scalar). */
function query(values: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values as Record<string, string | number | boolean | undefined>)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

const client = createSchedulerApi('', { fetch: fetchWithToken, headers: { accept: 'application/json' }, querySerializer: query });

/** The answer's data, or an ApiError with the API's message and fields. */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}

function toApiError(response: Response, payload: unknown): ApiError {
  const body = (payload ?? {}) as { message?: unknown; fields?: unknown };
  const message = typeof body.message === 'string' ? body.message : `${response.status} ${response.statusText}`;
  const fields = Array.isArray(body.fields) ? (body.fields as FieldProblem[]) : [];
  return new ApiError(response.status, message, fields);
}

export type JobFilters = operations['listJobs']['parameters']['query'];
export type RunFilters = operations['listRuns']['parameters']['query'];

const id = (jobId: number) => ({ params: { path: { id: jobId } } });

export const api = {
  listJobs: (filters: JobFilters) => answer(client.GET('/jobs', { params: { query: filters } })),
  getJob: (jobId: number) => answer(client.GET('/jobs/{id}', id(jobId))),
  listJobTypes: () => answer(client.GET('/job-types')),
  createJob: (job: JobInput) => answer(client.POST('/jobs', { body: job })),
  updateJob: (jobId: number, changes: Partial<JobInput>) => answer(client.PATCH('/jobs/{id}', { ...id(jobId), body: changes })),
  setActiveByTag: (tag: string, isActive: boolean) =>
    answer(client.POST(isActive ? '/jobs/resume' : '/jobs/pause', { params: { query: { tag } } })),
  deleteJob: (jobId: number) => answer(client.DELETE('/jobs/{id}', id(jobId))),
  runJob: (jobId: number) => answer(client.POST('/jobs/{id}/run', id(jobId))),
  getScheduler: () => answer(client.GET('/scheduler')),
  pauseScheduler: () => answer(client.POST('/scheduler/pause')),
  resumeScheduler: () => answer(client.POST('/scheduler/resume')),
  listRuns: (jobId: number, filters: operations['listJobRuns']['parameters']['query']) =>
    answer(client.GET('/jobs/{id}/runs', { params: { path: { id: jobId }, query: filters } })),
  listChanges: (jobId: number, page: { limit: number; offset: number }) =>
    answer(client.GET('/jobs/{id}/changes', { params: { path: { id: jobId }, query: page } })),
  listAlerts: (jobId: number, page: { limit: number; offset: number }) =>
    answer(client.GET('/jobs/{id}/alerts', { params: { path: { id: jobId }, query: page } })),
  cancelRun: (runId: number) => answer(client.POST('/runs/{id}/cancel', id(runId))),
  listAllRuns: (filters: RunFilters) => answer(client.GET('/runs', { params: { query: filters } })),
  recentRuns: (jobIds: number[]) => answer(client.GET('/runs/recent', { params: { query: { jobIds: jobIds.join(',') } } })),
  nextRuns: (jobId: number, count = 5) => answer(client.GET('/jobs/{id}/next-runs', { params: { path: { id: jobId }, query: { count } } })),
  previewSchedule: (schedule: string, timezone: string, count = 5) =>
    answer(client.GET('/schedules/preview', { params: { query: { schedule, timezone, count } } })),
};
