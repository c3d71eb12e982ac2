import { JobType } from '../job-type.decorator';
import { HttpParams } from './http.params';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';
import { OutboundHttp, type OutboundResponse } from '../../outbound/outbound-http';
import { OutboundPolicy } from '../../outbound/outbound-policy';
import type { FieldProblem } from '../../validation/field-problems';

const MAX_BODY_CHARS = 1000;

/** Calls a URL through the outbound policy. The run succeeds when the response status is one of the expected ones. */
@JobType('http', HttpParams)
export class HttpStrategy implements JobStrategy<HttpParams> {

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly outbound: OutboundHttp,
  ) {}

  policyProblems(params: HttpParams): FieldProblem[] {
    const url = URL.parse(params.url);
    const problem = url ? this.policy.hostProblem(url.hostname) : 'must be a URL address';
    return problem ? [{ field: 'params.url', message: problem }] : [];
  }

  async execute({ params, signal }: JobExecutionContext<HttpParams>): Promise<{ status: number; body: string }> {
    const hasBody = params.body !== undefined && params.method !== 'GET' && params.method !== 'HEAD';
    const isText = typeof params.body === 'string';
    const headers = { ...(hasBody && !isText ? { 'content-type': 'application/json' } : {}), ...params.headers };
    const response = await this.outbound.send({
      url: params.url,
      method: params.method,
      headers,
      body: hasBody ? (isText ? (params.body as string) : JSON.stringify(params.body)) : undefined,
      signal,
    });
    const body = shownBody(response);
    const expected = params.expectedStatus ? params.expectedStatus.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!expected) {
      const wanted = params.expectedStatus ? params.expectedStatus.join(', ') : '2xx';
      throw new Error(`HTTP ${response.status} (expected ${wanted}): ${body}`);
    }
    return { status: response.status, body };
  }
}

/** The start of the body, with a marker saying how much more there was or where reading stopped. */
function shownBody({ text, bytes, cutOff }: OutboundResponse): string {
  const shown = text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
  if (cutOff) return `${shown}… [body longer than ${bytes} bytes: stopped reading there]`;
  return shown.length < text.length || Buffer.byteLength(shown) < bytes ? `${shown}… [${bytes} bytes in all]` : shown;
}
