import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsObject, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { JobType } from '../job-type.decorator';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';
import { truncate } from '../output';
import { IsStringRecord } from './is-string-record';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const MAX_BODY_CHARS = 1000;

export class HttpParams {
  /** @example "https://example.com/hooks/nightly" */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @IsOptional()
  @IsIn(METHODS)
  method: (typeof METHODS)[number] = 'GET';

  /** Request headers; redacted in logs. */
  @IsOptional()
  @IsObject()
  @IsStringRecord()
  headers: Record<string, string> = {};

  /** Sent as is when a string, as JSON otherwise. */
  @IsOptional()
  body?: unknown;

  /** Statuses that count as success; any 2xx when omitted. */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @Min(100, { each: true })
  @Max(599, { each: true })
  expectedStatus?: number[];
}

/** Calls a URL. The run succeeds when the response status is one of the expected ones. */
@JobType('http')
export class HttpStrategy implements JobStrategy<HttpParams> {
  readonly paramsClass = HttpParams;

  async execute({ params, signal }: JobExecutionContext<HttpParams>): Promise<{ status: number; body: string }> {
    const hasBody = params.body !== undefined && params.method !== 'GET' && params.method !== 'HEAD';
    const isText = typeof params.body === 'string';
    const headers = { ...(hasBody && !isText ? { 'content-type': 'application/json' } : {}), ...params.headers };
    const response = await fetch(params.url, {
      method: params.method,
      headers,
      body: hasBody ? (isText ? (params.body as string) : JSON.stringify(params.body)) : undefined,
      signal,
      redirect: 'follow',
    });
    const body = truncate(await response.text(), MAX_BODY_CHARS);
    const expected = params.expectedStatus ? params.expectedStatus.includes(response.status) : response.ok;
    if (!expected) {
      const wanted = params.expectedStatus ? params.expectedStatus.join(', ') : '2xx';
      throw new Error(`HTTP ${response.status} (expected ${wanted}): ${body}`);
    }
    return { status: response.status, body };
  }
}
