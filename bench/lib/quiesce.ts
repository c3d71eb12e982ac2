import type { Client } from 'pg';
import { queryThroughDeadlocks } from './database';
import { waitFor } from './log';

/** Switches every job off and waits until no run is left running or pending a retry. */
export async function quiesce(client: Client): Promise<void> {
  await queryThroughDeadlocks(client, 'UPDATE jobs SET is_active = false, next_run = NULL');
  await waitFor(
    'the last runs to finish',
    async () => {
      const { rows } = await client.query<{ open: string }>(`SELECT count(*) AS open FROM job_runs WHERE status IN ('running', 'retry_pending')`);
      return Number(rows[0].open) === 0 ? true : undefined;
    },
    60_000,
    100,
  );
}
