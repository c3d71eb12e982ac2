import { brokerListening, faultScenarios } from './support/fault-scenarios';

const broker = brokerListening();
if (!broker) console.warn('RabbitMQ does not answer on 127.0.0.1:5672: the broker-mode fault scenarios are skipped');

/** The same scenarios with a scheduler and two workers that execute what it publishes to RabbitMQ. */
(broker ? describe : describe.skip)('fault tolerance in broker mode (short version of npm run faults)', () => {
  faultScenarios(true);
});
