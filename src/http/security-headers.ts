import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's headers, worked out once. They depend on nothing in the request, yet @fastify/helmet
 * built Helmet anew for every request (parsing the Content-Security-Policy each time), a measurable
 * share of the API's CPU (bench/results/api.md).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  helmet(options)({} as IncomingMessage, response, (error?: unknown) => {
    // Helmet reports bad options here, synchronously: fail at start-up, not on a request.
    if (error) throw error instanceof Error ? error : new Error('invalid Helmet options');
  });
  return headers;
}
