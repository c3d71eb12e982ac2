import type { Scenario } from '../scenario';
import { runLeaderChange } from './leader-change';

/**
 * The failover while 10,000 jobs fall due at one instant (2,000 in the short version): the leader is
 * killed 300 ms after they are due, while the instances write their claims (see leader-change.ts).
 */
export const failoverStorm: Scenario = {
  name: 'failover-storm',
  title: 'Patroni failover during a claim storm',
  run: (context) => runLeaderChange(context, 'failover-storm', { change: 'kill', storm: { full: 10_000, short: 2_000 } }),
};
