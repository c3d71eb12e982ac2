import type { ConfigService } from '@nestjs/config';
import { AlertOutbox } from '../../src/alerts/alert-outbox';
import { AlertSettings } from '../../src/alerts/alert-settings';
import { JobCache } from '../../src/cache/job-cache';
import { Clock } from '../../src/clock/clock';
import { Environment } from '../../src/config/environment';
import { DatabaseTarget } from '../../src/database/database-target';
import { Metrics } from '../../src/observability/metrics';
import { NextRunCalculator } from '../../src/scheduler/next-run-calculator';
import { RunStore } from '../../src/scheduler/run-store';
import { SchedulerPool } from '../../src/scheduler/scheduler-pool';

/**
 * The service's own RunStore (the claim the tick makes), built outside Nest: the definitions suite
 * times its database work in isolation, with no execution and no process around it.
 */
export function runStore(url: string, overrides: Partial<Environment> = {}): { store: RunStore; close: () => Promise<void> } {
  const environment = Object.assign(new Environment(), overrides);
  const config = { get: (key: keyof Environment) => environment[key] } as unknown as ConfigService<Environment, true>;
  const pool = new SchedulerPool(new DatabaseTarget(url), config);
  const store = new RunStore(pool, new NextRunCalculator(), new JobCache(null, config), new Metrics(), new Clock(), new AlertOutbox(new AlertSettings(config)), config);
  return { store, close: () => pool.beforeApplicationShutdown() };
}
