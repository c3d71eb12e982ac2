import { CliError, EXIT, exitCodeOfStatus } from './exit-codes';

/**
 * Every HTTP call the CLI makes, in one place, so that it can move onto the client generated from
 * the OpenAPI document without touching the commands.
 */
export interface Job {
  id: number;
  name: string;
  schedule: string;
  timezone: string;
  type: string;
  tags: string[];
  isActive: boolean;
  nextRun: string | null;
  lastStatus: string | null;
}

export interface Run {
  id: number;
  jobId: number;
  scheduledFor: string;
  attempt: number;
  status: string;
  startedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

export interface ApplyResult {
  dryRun: boolean;
  requiredRole: string;
  created: string[];
  changed: { name: string; changes: Record<string, { from: unknown; to: unknown }> }[];
  deleted: string[];
  unchanged: string[];
}

interface Page<T> {
  data: T[];
  total: number;
}

export class SchedulerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  listJobs(filters: { tag?: string; limit?: number; offset?: number }): Promise<Page<Job>> {
    return this.json('GET', `/jobs${query(filters)}`);
  }

  listRuns(jobId: number, filters: { status?: string; limit?: number }): Promise<Page<Run>> {
    return this.json('GET', `/jobs/${jobId}/runs${query(filters)}`);
  }

  runJob(jobId: number): Promise<Run> {
    return this.json('POST', `/jobs/${jobId}/run`);
  }

  exportJobs(format: 'yaml' | 'json'): Promise<string> {
    return this.text('GET', '/jobs/export', { accept: format === 'yaml' ? 'application/yaml' : 'application/json' });
  }

  applyJobs(document: string, format: 'yaml' | 'json', options: { dryRun: boolean; prune: boolean }): Promise<ApplyResult> {
    const contentType = format === 'yaml' ? 'application/yaml' : 'application/json';
    return this.json('POST', `/jobs/apply${query(options)}`, { body: document, headers: { 'content-type': contentType } });
  }

  /** A job by id (digits) or by exact name. */
  async findJob(reference: string): Promise<Job> {
    if (/^\d+$/.test(reference)) return this.json('GET', `/jobs/${reference}`);
    const { data } = await this.json<Page<Job>>('GET', `/jobs${query({ search: reference, limit: 100 })}`);
    const job = data.find((candidate) => candidate.name === reference);
    if (!job) throw new CliError(`no job is named "${reference}"`, EXIT.refused);
    return job;
  }

  private async json<T>(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<T> {
    return JSON.parse(await this.text(method, path, { accept: 'application/json', ...init.headers }, init.body)) as T;
  }

  private async text(method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
    const url = new URL(path, this.baseUrl);
    let response: Response;
    try {
      response = await fetch(url, { method, body, headers: { ...headers, ...(this.token && { authorization: `Bearer ${this.token}` }) } });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach ${url.origin}: ${cause}`, EXIT.failed);
    }
    const text = await response.text();
    if (!response.ok) throw new CliError(`${method} ${url.pathname} answered ${response.status}: ${messageOf(text)}`, exitCodeOfStatus(response.status));
    return text;
  }
}

function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function messageOf(body: string): string {
  try {
    const { message } = JSON.parse(body) as { message?: unknown };
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the body itself says what happened.
  }
  return body.slice(0, 500);
}
