// The one way the dashboard reaches the service: relative URLs of the public REST API, JSON in and out,
// the bearer token (when the service wants one) from sessionStorage, and errors as ApiError.
import type { AuditEntry, Job, JobInput, JobRun, Page, RecentRuns, Run } from './types';

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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, `The service cannot be reached (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (response.status === 401 && attempt <= 3) {
      // Another request may have stored a new token meanwhile: then just try again with it.
      if (sessionStorage.getItem(TOKEN_KEY) === token) await requestToken(token !== null);
      continue;
    }
    if (response.status === 204) return undefined as T;
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw toApiError(response, payload);
    return payload as T;
  }
}

function toApiError(response: Response, payload: unknown): ApiError {
  const body = (payload ?? {}) as { message?: unknown; fields?: unknown };
  const message = typeof body.message === 'string' ? body.message : `${response.status} ${response.statusText}`;
  const fields = Array.isArray(body.fields) ? (body.fields as FieldProblem[]) : [];
  return new ApiError(response.status, message, fields);
}

function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface JobFilters {
  search?: string;
  isActive?: boolean;
  type?: string;
  lastStatus?: string;
  tag?: string;
  limit: number;
  offset: number;
}

export interface RunFilters {
  /** Comma-separated statuses. */
  status?: string;
  jobId?: number;
  from?: string;
  limit: number;
  offset: number;
}

export const api = {
  listJobs: (filters: JobFilters) => request<Page<Job>>('GET', `/jobs${query({ ...filters })}`),
  getJob: (id: number) => request<Job>('GET', `/jobs/${id}`),
  createJob: (job: JobInput) => request<Job>('POST', '/jobs', job),
  updateJob: (id: number, changes: Partial<JobInput>) => request<Job>('PATCH', `/jobs/${id}`, changes),
  setActiveByTag: (tag: string, isActive: boolean) =>
    request<{ changed: number; jobIds: number[] }>('POST', `/jobs/${isActive ? 'resume' : 'pause'}${query({ tag })}`),
  deleteJob: (id: number) => request<void>('DELETE', `/jobs/${id}`),
  runJob: (id: number) => request<Run>('POST', `/jobs/${id}/run`),
  listRuns: (id: number, filters: { status?: string; limit: number; offset: number }) =>
    request<Page<Run>>('GET', `/jobs/${id}/runs${query(filters)}`),
  listChanges: (id: number, page: { limit: number; offset: number }) => request<Page<AuditEntry>>('GET', `/jobs/${id}/changes${query(page)}`),
  listAllRuns: (filters: RunFilters) => request<Page<JobRun>>('GET', `/runs${query({ ...filters })}`),
  recentRuns: (jobIds: number[]) => request<RecentRuns[]>('GET', `/runs/recent${query({ jobIds: jobIds.join(',') })}`),
  nextRuns: (id: number, count = 5) => request<string[]>('GET', `/jobs/${id}/next-runs${query({ count })}`),
  previewSchedule: (schedule: string, timezone: string, count = 5) =>
    request<string[]>('GET', `/schedules/preview${query({ schedule, timezone, count })}`),
};
