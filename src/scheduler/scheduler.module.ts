import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
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

/** The wake-up of a scheduling instance listens on a connection of its own; it starts only where the scheduler does. */
function createWakeUp(config: ConfigService<Environment, true>, target: DatabaseTarget, clock: Clock): WakeUp {
  const listener = new DueListener(target.url, {
    notice: (at) => wakeUp.notice(at),
    listening: () => void wakeUp.runOnce(),
  });
  const wakeUp = new WakeUp(config.get('SCHEDULER_TICK', { infer: true }), clock, listener);
  return wakeUp;
}

function chooseDispatcher(config: ConfigService<Environment, true>, inline: InlineDispatcher, broker: BrokerDispatcher): Dispatcher {
  return config.get('EXECUTION_MODE', { infer: true }) === 'broker' ? broker : inline;
}

@Module({
  imports: [JobTypesModule, BrokerModule],
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
    { provide: WakeUp, inject: [ConfigService, DatabaseTarget, Clock], useFactory: createWakeUp },
    SchedulerService,
  ],
  exports: [RunStore, SchedulerService, SchedulerPool, BrokerModule],
})
export class SchedulerModule {}
