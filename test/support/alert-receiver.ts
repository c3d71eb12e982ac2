import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Whether X-Signature verified, the way README.md tells a receiver to check it. */
  signed: boolean;
}

export interface AlertReceiver {
  origin: string;
  received: ReceivedAlert[];
  /** The status each path answers (200 when unset). */
  statusOf: Map<string, number>;
  /** Paths whose requests are recorded but never answered, while they are in the set. */
  holding: Set<string>;
  /** Stops holding `path` and answers its held requests with `status`. */
  release(path: string, status: number): void;
  close(): Promise<void>;
}

/**
 * Checks X-Signature as README.md describes, written from that description: `t=<unix seconds>,v1=<hex>`,
 * where hex is HMAC-SHA256(secret, "<t>.<raw body>"), and t no more than five minutes away.
 */
export function verifySignature(secret: string, header: string | undefined, rawBody: string, nowMs = Date.now()): boolean {
  const parts = new Map((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  const expected = createHmac('sha256', secret).update(`${parts.get('t')}.${rawBody}`).digest();
  return Number.isInteger(timestamp) && Math.abs(nowMs / 1000 - timestamp) < 300 && given.length === expected.length && timingSafeEqual(given, expected);
}

/** A webhook receiver on 127.0.0.1 that verifies each alert's signature and records it. */
export async function startAlertReceiver(secret: string): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const statusOf = new Map<string, number>();
  const holding = new Set<string>();
  const held: { path: string; response: ServerResponse }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: JSON.parse(raw || '{}') as Record<string, unknown>, signed: verifySignature(secret, request.headers['x-signature'] as string, raw) });
      if (holding.has(path)) return void held.push({ path, response });
      response.statusCode = statusOf.get(path) ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    statusOf,
    holding,
    release: (path, status) => {
      holding.delete(path);
      for (const request of held.filter((candidate) => candidate.path === path)) {
        held.splice(held.indexOf(request), 1);
        request.response.statusCode = status;
        request.response.end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
