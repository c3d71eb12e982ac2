import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AMQP_URL } from '../../bench/faults/fault-cluster';
import { OwnedPostgres } from '../../bench/faults/owned-postgres';
import { runScenario, type Scenario } from '../../bench/faults/scenario';
import { SCENARIOS } from '../../bench/faults/scenarios';

/** The service as `npm test` builds it; FAULTS_BUILD points at another build (as for `npm run faults`). */
const BUILD = resolve(process.env.FAULTS_BUILD ?? resolve(__dirname, '../../dist'));

/** Whether RabbitMQ accepts a TCP connection, asked synchronously so that a suite can skip itself. */
export function brokerListening(): boolean {
  const { hostname, port } = new URL(AMQP_URL);
  const probe = `require('node:net').connect(${Number(port || 5672)}, ${JSON.stringify(hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3_000 }).status === 0;
}

/**
 * The scenarios of `npm run faults` (bench/faults/), each shortened to seconds, so that a regression
 * fails CI: by default the six that run real processes of the service against a PostgreSQL of the
 * suite's own, which one of them stops and starts again; the Patroni ones start a cluster each.
 */
export function faultScenarios(broker: boolean, scenarios: Scenario[] = SCENARIOS, timeoutMs = 60_000): void {
  let postgres: OwnedPostgres;

  beforeAll(async () => {
    postgres = await OwnedPostgres.start(BUILD);
  });

  afterAll(async () => {
    await postgres?.close();
  });

  it.each(scenarios.map((scenario) => [scenario.title, scenario] as const))(
    '%s: loses no occurrence and runs none twice',
    async (_title, scenario) => {
      const result = await runScenario(scenario, { postgres, build: BUILD, broker, mode: 'short', log: () => undefined });

      expect(result.checks.filter((item) => !item.ok)).toEqual([]);
      expect(result.counts).toMatchObject({ duplicates: 0, doubled: 0, lost: 0, stuck: 0, unexpected: 0 });
      expect(result.counts.expected).toBeGreaterThan(0);
    },
    timeoutMs,
  );
}
