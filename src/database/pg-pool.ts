import { Pool, type PoolConfig } from 'pg';

/**
 * A pg Pool whose connections cannot end the process with an unhandled 'error' event.
 *
 * pg-pool listens for a client's errors only while the client is idle; once handed out, the client
 * is its user's to watch, and there is a gap no user can close: a backend terminated just as it
 * became ready (pg_terminate_backend, a server shutdown) can send its FATAL message in the same TCP
 * read as the ReadyForQuery that hands the client over, and pg emits the error synchronously, before
 * the code awaiting `pool.connect()` (Prisma's adapter starting a transaction, the scheduler's claim)
 * has run to attach a listener. So every client gets a listener of its own as soon as it connects.
 * It only has to exist: the failure reaches the user of the client through the statement that fails,
 * and the pool drops the dead client when it comes back.
 *
 * One connection stays open while idle (`min`): an idle instance's minute of work (the safety tick,
 * the alert outbox's poll) would otherwise open a new one each time, past the 10 s idle timeout, and
 * each backend's start is a process on the server and a transaction in its statistics.
 */
export function createPool(config: PoolConfig, onIdleClientError: (error: Error) => void): Pool {
  const pool = new Pool({ min: 1, ...config });
  pool.on('error', onIdleClientError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
