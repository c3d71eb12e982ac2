/** Redirects an http job follows, at most MAX_REDIRECTS in a row; the next one fails the run. */
export const MAX_REDIRECTS = 5;
export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The only headers sent on to another origin: nothing that could carry a credential. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'user-agent']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']);

export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

const keep = (headers: Record<string, string>, test: (name: string) => boolean) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => test(name.toLowerCase())));

/**
 * The request a redirect asks for, as fetch makes it: 303 (and 301/302 after a POST) becomes a GET
 * without the body; 307/308 repeat the request. Going to another origin drops every header but a
 * few harmless ones, so an `Authorization` or `X-Api-Key` meant for one host never reaches another.
 */
export function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`redirected to a ${url.protocol} URL; http jobs follow redirects to http and https only`);
  }
  const becomesGet = status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST';
  const method = becomesGet ? 'GET' : hop.method;
  const body = becomesGet ? undefined : hop.body;
  let headers = body === undefined ? keep(hop.headers, (name) => !BODY_HEADERS.has(name)) : hop.headers;
  if (url.origin !== hop.url.origin) headers = keep(headers, (name) => CROSS_ORIGIN_HEADERS.has(name));
  return { url, method, headers, body };
}
