import { resolve } from 'node:path';
import { FaultCluster, sleep } from '../bench/faults/fault-cluster';
import { withClient } from '../bench/faults/occurrence-counts';
import { missingTopologyPrograms, PatroniTopology } from '../bench/faults/patroni-topology';
import { occurrenceChecks } from '../bench/faults/scenario';
import { SHORT_WORKLOAD } from '../bench/faults/scenarios/workloads';

const BUILD = resolve(__dirname, '../dist');
const missing = missingTopologyPrograms();
if (missing) console.warn(`test/pgbouncer.e2e-spec.ts skipped: ${missing} not installed (.ci/run installs them)`);

(missing ? describe.skip : describe)('several instances through PgBouncer in transaction mode', () => {
  let topology: PatroniTopology;

  beforeAll(async () => {
    topology = await PatroniTopology.start(BUILD, 'pgbouncer');
  }, 180_000);

  afterAll(async () => {
    await topology?.close();
  });

  it('runs every occurrence exactly once with three instances, each connected through PgBouncer', async () => {
    const cluster = await FaultCluster.open(topology, { build: BUILD, scenario: 'pgbouncer', instances: 3, leaseMs: 2000 });
    try {
      expect(cluster.databaseUrl).toContain(`:${topology.pgbouncerPort}/`);
      await cluster.createJobs(SHORT_WORKLOAD);
      const window = cluster.openWindow(8);
      await sleep(window.at(4) - Date.now());
      // PgBouncer's own console: the instances' connections are its clients.
      const clients = await withClient(topology.databaseUrl('pgbouncer', 'pgbouncer'), async (client) => (await client.query<{ database: string }>('SHOW CLIENTS')).rows);
      const counts = await cluster.closeWindow(window);
      const ticks = await Promise.all(cluster.instances.map((instance) => tickCounts(instance.url)));

      expect(occurrenceChecks(counts).filter((item) => !item.ok)).toEqual([]);
      expect(counts.expected).toBeGreaterThan(0);
      expect(clients.filter((client) => client.database === cluster.databaseName).length).toBeGreaterThanOrEqual(3);
      // Every instance claimed through PgBouncer without a failed tick. Which of them wins each second's
      // claim is a race (the due batch goes to the first), so a share of the runs is not asked of each.
      for (const count of ticks) expect(count).toEqual({ ticks: expect.any(Number), errors: 0 });
      expect(Math.min(...ticks.map((count) => count.ticks))).toBeGreaterThanOrEqual(4);
      expect(cluster.exitedUnasked()).toEqual([]);
    } finally {
      await cluster.close();
    }
  }, 240_000);
});

/** An instance's completed and failed scheduler ticks, read from its Prometheus exposition. */
async function tickCounts(url: string): Promise<{ ticks: number; errors: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { ticks: value('scheduler_ticks_total'), errors: value('scheduler_tick_errors_total') };
}
