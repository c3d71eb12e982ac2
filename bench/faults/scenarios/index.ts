import type { Scenario } from '../scenario';
import { backendsKilled } from './backends-killed';
import { frozenInstance } from './frozen-instance';
import { instanceKilled } from './instance-killed';
import { poolExhaustion } from './pool-exhaustion';
import { postgresRestarted } from './postgres-restarted';
import { repeatedKills } from './repeated-kills';

/** In the order of the issue. */
export const SCENARIOS: Scenario[] = [instanceKilled, postgresRestarted, repeatedKills, backendsKilled, poolExhaustion, frozenInstance];
