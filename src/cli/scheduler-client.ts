import type { ApplyDocumentDto, ApplyResponse, JobPageResponse, JobResponse, RunPageResponse, RunResponse } from '../api-client/api-types';
import { createSchedulerApi, type SchedulerApi } from '../api-client/scheduler-api';
import { CliError, EXIT, exitCodeOfStatus } from './exit-codes';

/** What an openapi-fetch call resolves with: the parsed answer, or the error body, and the response. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Every HTTP call the CLI makes, through the client typed by the API document (src/api-client). */
export class SchedulerClient {
  private readonly api: SchedulerApi;

  constructor(
    private readonly baseUrl: string,
    token: string | undefined,
  ) {
    this.api = createSchedulerApi(baseUrl, { token });
  }

  listJobs(query: { tag?: string; limit?: number; offset?: number; search?: string }): Promise<JobPageResponse> {
    return this.answer('GET', '/jobs', this.api.GET('/jobs', { params: { query } }));
  }

  listRuns(id: number, query: { status?: RunResponse['status']; limit?: number }): Promise<RunPageResponse> {
    return this.answer('GET', `/jobs/${id}/runs`, this.api.GET('/jobs/{id}/runs', { params: { path: { id }, query } }));
  }

  runJob(id: number): Promise<RunResponse> {
    return this.answer('POST', `/jobs/${id}/run`, this.api.POST('/jobs/{id}/run', { params: { path: { id } } }));
  }

  exportJobs(format: 'yaml' | 'json'): Promise<string> {
    const accept = format === 'yaml' ? 'application/yaml' : 'application/json';
    return this.answer('GET', '/jobs/export', this.api.GET('/jobs/export', { parseAs: 'text', headers: { accept } }));
  }

  applyJobs(document: string, format: 'yaml' | 'json', query: { dryRun: boolean; prune: boolean }): Promise<ApplyResponse> {
    const contentType = format === 'yaml' ? 'application/yaml' : 'application/json';
    // The file goes as it is, so that the service (not the CLI) judges its YAML or JSON and names the bad line.
    const call = this.api.POST('/jobs/apply', {
      params: { query },
      body: document as unknown as ApplyDocumentDto,
      bodySerializer: (body) => body as unknown as string,
      headers: { 'content-type': contentType },
    });
    return this.answer('POST', '/jobs/apply', call);
  }

  /** A job by id (digits) or by exact name. */
  async findJob(reference: string): Promise<JobResponse> {
    if (/^\d+$/.test(reference)) {
      const id = Number(reference);
      return this.answer('GET', `/jobs/${id}`, this.api.GET('/jobs/{id}', { params: { path: { id } } }));
    }
    const { data } = await this.listJobs({ search: reference, limit: 100 });
    const job = data.find((candidate) => candidate.name === reference);
    if (!job) throw new CliError(`no job is named "${reference}"`, EXIT.refused);
    return job;
  }

  /** The answer's data, or a CliError saying what the service answered (or that it cannot be reached). */
  private async answer<T>(method: string, path: string, call: Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach ${new URL(this.baseUrl).origin}: ${cause}`, EXIT.failed);
    }
    const { status } = answer.response;
    if (!answer.response.ok) throw new CliError(`${method} ${path} answered ${status}: ${messageOf(answer.error)}`, exitCodeOfStatus(status));
    return answer.data as T;
  }
}

/** The message of an error answer: the JSON error's `message`, or the start of whatever else came. */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error).slice(0, 500);
}
