import { faultScenarios } from './support/fault-scenarios';

describe('fault tolerance in inline mode (short version of npm run faults)', () => {
  faultScenarios(false);
});
