import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BrokerModule } from '../broker/broker.module';
import { JobTypesModule } from '../job-types/job-types.module';
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

@Module({
  imports: [ScheduleModule.forRoot(), JobTypesModule, BrokerModule],
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
    SchedulerService,
  ],
  exports: [RunStore, SchedulerService, SchedulerPool, BrokerModule],
})
export class SchedulerModule {}
