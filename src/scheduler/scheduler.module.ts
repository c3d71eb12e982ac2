import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AlertDeliverer } from '../alerts/alert-deliverer';
import { AlertsModule } from '../alerts/alerts.module';
import { BrokerModule } from '../broker/broker.module';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { DatabaseTarget } from '../database/database-target';
import { JobTypesModule } from '../job-types/job-types.module';
import { BrokerDispatcher } from './broker-dispatcher';
import { ClaimLoop } from './claim-loop';
import { Dispatcher } from './dispatcher';
import { DueListener } from './due-listener';
import { InlineDispatcher } from './inline-dispatcher';
import { LocalRuns } from './local-runs';
import { Rescuer } from './rescuer';
import { InFlightRuns } from './in-flight-runs';
import { InstanceIdentity } from './instance-identity';
import { LeaseKeeper } from './lease-keeper';
import { NextRunCalculator } from './next-run-calculator';
import { RunExecutor } from './run-executor';
import { RunConsumer } from './run-consumer';
import { RunPruner } from './run-pruner';
import { RunStore } from './run-store';
import { SchedulerPool } from './scheduler-pool';
import { SchedulerService } from './scheduler.service';
import { WakeUp } from './wake-up';

/**
 * The wake-up of a scheduling instance listens on a connection of its own; it starts only where the
 * scheduler does, and wakes the alert deliverer (which runs there too) as well as the claims.
 * DATABASE_LISTEN_URL gives it a direct way in when DATABASE_URL goes through PgBouncer in
 * transaction mode, which cannot hold a LISTEN.
 */
function createWakeUp(config: ConfigService<Environment, true>, target: DatabaseTarget, clock: Clock, inFlight: InFlightRuns, alerts: AlertDeliverer): WakeUp {
  const listener = new DueListener(config.get('DATABASE_LISTEN_URL', { infer: true }) ?? target.url, {
    notice: (at) => wakeUp.notice(at),
    cancelled: (runId) => inFlight.cancel(runId),
    alertsDue: () => alerts.wake(),
    listening: () => {
      void wakeUp.runOnce();
      alerts.wake();
    },
  });
  const wakeUp = new WakeUp(config.get('SCHEDULER_TICK', { infer: true }), clock, listener);
  return wakeUp;
}

function chooseDispatcher(config: ConfigService<Environment, true>, inline: InlineDispatcher, broker: BrokerDispatcher): Dispatcher {
  return config.get('EXECUTION_MODE', { infer: true }) === 'broker' ? broker : inline;
}

@Module({
  imports: [JobTypesModule, BrokerModule, AlertsModule],
  providers: [
    SchedulerPool,
    RunStore,
    NextRunCalculator,
    InstanceIdentity,
    InFlightRuns,
    RunExecutor,
    LeaseKeeper,
    RunPruner,
    RunConsumer,
    LocalRuns,
    InlineDispatcher,
    BrokerDispatcher,
    { provide: Dispatcher, inject: [ConfigService, InlineDispatcher, BrokerDispatcher], useFactory: chooseDispatcher },
    ClaimLoop,
    Rescuer,
    { provide: WakeUp, inject: [ConfigService, DatabaseTarget, Clock, InFlightRuns, AlertDeliverer], useFactory: createWakeUp },
    SchedulerService,
  ],
  exports: [RunStore, SchedulerService, SchedulerPool, BrokerModule],
})
export class SchedulerModule {}
