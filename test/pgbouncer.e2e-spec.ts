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
      const shares = await cluster.query<{ instance_id: string }>('SELECT DISTINCT instance_id FROM job_runs ORDER BY instance_id');

      expect(occurrenceChecks(counts).filter((item) => !item.ok)).toEqual([]);
      expect(counts.expected).toBeGreaterThan(0);
      expect(clients.filter((client) => client.database === cluster.databaseName).length).toBeGreaterThanOrEqual(3);
      expect(shares.map((row) => row.instance_id)).toEqual(['pgbouncer-a', 'pgbouncer-b', 'pgbouncer-c']);
      expect(cluster.exitedUnasked()).toEqual([]);
    } finally {
      await cluster.close();
    }
  }, 240_000);
});
