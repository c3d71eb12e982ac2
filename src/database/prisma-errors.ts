import { describe } from '../observability/describe-error';

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (error: unknown) => hasCode(error, 'P2002');

/** Prisma's "record to update or delete does not exist". */
export const isRecordNotFound = (error: unknown) => hasCode(error, 'P2025');

/**
 * SQLSTATEs of a server that cannot serve the statement now rather than of a bad query: class 08
 * (connection exception), 57P01-57P03 (terminated by an administrator or a shutdown, server crashed,
 * server starting up) and 25006 (read-only transaction: a connection that reached a standby, such as
 * the old leader of a Patroni cluster demoted while the proxy in front still routed to it), and 40001
 * and 40P01 (the server aborted the transaction to resolve a serialization conflict or a deadlock
 * with concurrent work, such as a bulk pause by tag against the scheduler recording outcomes). Prisma
 * reports them as "Code: `57P01`"; its driver adapter as `originalCode`, pg as `code`.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|25006|40001|40P01)$/;

/** The driver adapter's kinds of error for a socket that failed, a server that is full, or a conflict it broke. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);

function unavailableCode(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const { originalCode, code, kind, cause } = current as { originalCode?: unknown; code?: unknown; kind?: unknown; cause?: unknown };
    if (typeof originalCode === 'string' && UNAVAILABLE_SQLSTATE.test(originalCode)) return true;
    if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    current = cause;
  }
  return false;
}

/**
 * The database could not be reached or gave no connection in time (pool exhausted, server down), the
 * connection died under the query (server restarted, backend terminated), it reached a node that
 * cannot write (a demoted leader during a failover), or it aborted the transaction to break a
 * deadlock with concurrent work (rolled back whole): the request may succeed later, so it is a 503,
 * not a 500, and the scheduler treats it as an outage of the tick.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Can't reach, timed out, server closed the connection, no pooled connection in time, a write conflict or deadlock.
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034'].some((code) => hasCode(error, code))) return true;
  if (unavailableCode(error)) return true;
  const text = describe(error);
  return (
    /timeout exceeded when trying to connect|ECONNREFUSED|Connection terminated|DatabaseNotReachable|ECONNRESET|the database system is (starting up|shutting down)/i.test(text) ||
    // A pooled connection whose backend was terminated, and pg's refusal to reuse it in a transaction.
    /terminating connection due to administrator command|Client has encountered a connection error and is not queryable/i.test(text) ||
    // Prisma's P2028 when the pool gave no connection within the transaction's maxWait (all of them
    // waiting on a leader that is gone); P2028's other messages (a transaction already closed) are bugs.
    (hasCode(error, 'P2028') && /Unable to start a transaction in the given time/i.test(text)) ||
    /Code: `(08[0-9A-Z]{3}|57P0[123]|25006|40001|40P01)`/.test(text) ||
    // A standby answering: a server in recovery, a write refused on a read-only node.
    /the database system is in recovery mode|cannot execute \w+ in a read-only transaction/i.test(text)
  );
}
