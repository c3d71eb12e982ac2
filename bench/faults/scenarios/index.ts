import type { Scenario } from '../scenario';
import { backendsKilled } from './backends-killed';
import { failover } from './failover';
import { failoverStorm } from './failover-storm';
import { frozenInstance } from './frozen-instance';
import { instanceKilled } from './instance-killed';
import { poolExhaustion } from './pool-exhaustion';
import { postgresRestarted } from './postgres-restarted';
import { repeatedKills } from './repeated-kills';
import { switchover } from './switchover';

/** In the order of the issue: on the suite's own PostgreSQL. */
export const SCENARIOS: Scenario[] = [instanceKilled, postgresRestarted, repeatedKills, backendsKilled, poolExhaustion, frozenInstance];

/** On a Patroni cluster of their own (bench/faults/patroni-topology.ts): the leader changes under load. */
export const LEADER_CHANGE_SCENARIOS: Scenario[] = [switchover, failover, failoverStorm];
