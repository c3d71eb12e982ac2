import { missingTopologyPrograms } from '../bench/faults/patroni-topology';
import { LEADER_CHANGE_SCENARIOS } from '../bench/faults/scenarios';
import { brokerListening, faultScenarios } from './support/fault-scenarios';

const missing = missingTopologyPrograms();
const broker = brokerListening();
if (missing) console.warn(`the Patroni fault scenarios are skipped: ${missing} not installed (.ci/run installs them)`);
if (!broker) console.warn('RabbitMQ does not answer on 127.0.0.1:5672: the broker-mode Patroni fault scenarios are skipped');

/** The same leader changes with a scheduler and two workers that execute what it publishes to RabbitMQ. */
(missing || !broker ? describe.skip : describe)('a database leader change in broker mode (short version of npm run faults)', () => {
  faultScenarios(true, LEADER_CHANGE_SCENARIOS, 300_000);
});
