/**
 * For tests whose http jobs call servers of their own on 127.0.0.1: the outbound policy refuses
 * loopback by default, so they open it, and nothing else, as an operator would with HTTP_JOBS_ALLOW.
 */
export const LOOPBACK_HTTP_JOBS = { HTTP_JOBS_ALLOW: '127.0.0.1' };
