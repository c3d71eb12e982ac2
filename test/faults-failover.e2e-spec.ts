import { missingTopologyPrograms } from '../bench/faults/patroni-topology';
import { LEADER_CHANGE_SCENARIOS } from '../bench/faults/scenarios';
import { faultScenarios } from './support/fault-scenarios';

const missing = missingTopologyPrograms();
if (missing) console.warn(`the Patroni fault scenarios are skipped: ${missing} not installed (.ci/run installs them)`);

/** Switchover, failover and failover during a claim storm, each on a Patroni cluster of its own (about a minute each). */
(missing ? describe.skip : describe)('a database leader change in inline mode (short version of npm run faults)', () => {
  faultScenarios(false, LEADER_CHANGE_SCENARIOS, 300_000);
});
