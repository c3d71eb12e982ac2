// Started by test/broker-mode.e2e-spec.ts instead of dist/main.js: the built service with one fault
// injected, a broker-mode scheduler that exits (code 86) right after a claim commits and before it
// publishes the claim's runs, the outbox's worst moment. The production service has no such switch.
const { BrokerDispatcher } = require('../../dist/scheduler/broker-dispatcher');

const dispatch = BrokerDispatcher.prototype.dispatch;
BrokerDispatcher.prototype.dispatch = function (runs) {
  if (runs.length === 0) return dispatch.call(this, runs);
  console.warn(`exit-before-publish: exiting with ${runs.length} runs committed but not published`);
  process.exit(86);
};

require('../../dist/main');
