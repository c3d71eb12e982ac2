import type { OnApplicationShutdown } from '@nestjs/common';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { guardedConnector } from './guarded-connector';
import type { OutboundPolicy } from './outbound-policy';
import { type Hop, MAX_REDIRECTS, nextHop, REDIRECT_STATUSES } from './redirects';

/** How much of a body is kept to show in a run; the rest is counted, up to the limit, and dropped. */
const KEPT_BYTES = 8 * 1024;

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** The first KEPT_BYTES of the body, as text. */
  text: string;
  /** Bytes of the body read. */
  bytes: number;
  /** True when the body went on past the limit and reading stopped there. */
  cutOff: boolean;
}

export interface OutboundLimits {
  maxResponseBytes: number;
}

/**
 * HTTP for jobs: every connection, redirects' included, through the outbound policy; redirects
 * followed here, one hop at a time; response bodies read as a stream up to a limit, then closed.
 */
export class OutboundHttp implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    policy: OutboundPolicy,
    private readonly limits: OutboundLimits,
    lookup?: LookupFunction,
  ) {
    // No headers or body timeout of undici's own: a job's timeoutMs (its AbortSignal) is the only one.
    this.agent = new Agent({ connect: guardedConnector(policy, lookup), headersTimeout: 0, bodyTimeout: 0 });
  }

  async send({ url, method, headers, body, signal }: OutboundRequest): Promise<OutboundResponse> {
    let hop: Hop = { url: new URL(url), method, headers, body };
    for (let redirects = 0; ; redirects += 1) {
      const response = await request(hop.url, { dispatcher: this.agent, method: hop.method as 'GET', headers: hop.headers, body: hop.body, signal });
      const location = [response.headers.location].flat()[0];
      if (!REDIRECT_STATUSES.has(response.statusCode) || !location) {
        return { status: response.statusCode, ...(await this.read(response.body)) };
      }
      await response.body.dump();
      if (redirects === MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects; the last one went to ${location}`);
      hop = nextHop(hop, response.statusCode, location);
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.agent.close();
  }

  private async read(body: AsyncIterable<Buffer>): Promise<Omit<OutboundResponse, 'status'>> {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bytes = 0;
    let cutOff = false;
    for await (const chunk of body) {
      bytes += chunk.length;
      if (keptBytes < KEPT_BYTES) {
        const part = Buffer.from(chunk.subarray(0, KEPT_BYTES - keptBytes));
        kept.push(part);
        keptBytes += part.length;
      }
      if (bytes > this.limits.maxResponseBytes) {
        // Leaving the loop destroys the stream, which closes the connection.
        cutOff = true;
        break;
      }
    }
    return { text: Buffer.concat(kept).toString('utf8'), bytes: Math.min(bytes, this.limits.maxResponseBytes), cutOff };
  }
}
