/** An error's message, with its cause's when it has one ("fetch failed: connect ECONNREFUSED ..."). */
export function describe(error: unknown): string {
  // Duck-typed rather than instanceof: errors from other realms (a test sandbox, a worker) count too.
  if (typeof error !== 'object' || error === null || !('message' in error)) return String(error);
  const { message, name, cause } = error as { message: unknown; name?: unknown; cause?: unknown };
  const text = typeof message === 'string' && message ? message : typeof name === 'string' ? name : 'Error';
  return cause === undefined ? text : `${text}: ${describe(cause)}`;
}
