import type { Pool, PoolClient } from 'pg';

/** Runs `work` in a transaction on a client of `pool`; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  // A backend that dies between two statements fails the next one; the transaction rolls back on
  // the server, and the pool drops the dead client on release.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The original error is the one worth reporting, also when the connection is gone for the rollback.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
