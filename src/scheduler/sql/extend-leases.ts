import type { Queryable } from './queryable';

/**
 * Renews the leases of this instance's in-flight runs and returns the ids it still holds; a run
 * missing from the answer was taken away (its lease had expired and another instance abandoned it).
 */
export async function extendLeases(pool: Queryable, runIds: number[], instanceId: string, leaseMs: number): Promise<Set<number>> {
  if (runIds.length === 0) return new Set();
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE job_runs SET lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = ANY($1::bigint[]) AND status = 'running' AND instance_id = $2
     RETURNING id`,
    [runIds, instanceId, leaseMs],
  );
  return new Set(rows.map((row) => Number(row.id)));
}
