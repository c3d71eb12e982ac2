import type { Scenario } from '../scenario';
import { runLeaderChange } from './leader-change';

/** SIGKILL of the leader's postmaster under load: Patroni promotes the synchronous standby (see leader-change.ts). */
export const failover: Scenario = {
  name: 'failover',
  title: "Patroni failover: the leader's postmaster killed (SIGKILL)",
  run: (context) => runLeaderChange(context, 'failover', { change: 'kill', storm: { full: 0, short: 0 } }),
};
