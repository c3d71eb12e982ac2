import { describe } from '../observability/describe-error';

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (error: unknown) => hasCode(error, 'P2002');

/** Prisma's "record to update or delete does not exist". */
export const isRecordNotFound = (error: unknown) => hasCode(error, 'P2025');

/**
 * The database could not be reached or gave no connection in time (pool exhausted, server down):
 * the request may succeed later, so it is a 503, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Can't reach, timed out, server closed the connection, no pooled connection in time.
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024'].some((code) => hasCode(error, code))) return true;
  const text = describe(error);
  return /timeout exceeded when trying to connect|ECONNREFUSED|Connection terminated|DatabaseNotReachable|ECONNRESET|the database system is (starting up|shutting down)/i.test(text);
}
