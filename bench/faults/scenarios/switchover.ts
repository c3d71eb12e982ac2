import type { Scenario } from '../scenario';
import { runLeaderChange } from './leader-change';

/** `patronictl switchover` under load: the leader hands over to the synchronous standby (see leader-change.ts). */
export const switchover: Scenario = {
  name: 'switchover',
  title: 'Patroni switchover under load',
  run: (context) => runLeaderChange(context, 'switchover', { change: 'switchover', storm: { full: 0, short: 0 } }),
};
