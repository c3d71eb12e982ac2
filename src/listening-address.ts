import type { AddressInfo } from 'node:net';

/** 0.0.0.0 and :: accept connections on every interface; no browser can open them as an address. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * The start-up line: the address and port the server is bound to, as the socket reports them, and
 * URLs a person can open (localhost when bound to every interface).
 */
export function describeListening(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return `listening on ${address ?? 'an unknown address'}`;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const wildcard = WILDCARDS.has(address.address);
  const url = `http://${wildcard ? 'localhost' : host}:${address.port}`;
  return `listening on ${host}:${address.port}${wildcard ? ' (every interface)' : ''}: dashboard at ${url}/ui/, Swagger UI at ${url}/api`;
}
