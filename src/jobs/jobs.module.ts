import { Module } from '@nestjs/common';
import { JobTypesModule } from '../job-types/job-types.module';
import { RunsModule } from '../runs/runs.module';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [JobTypesModule, RunsModule],
  controllers: [JobsController],
  providers: [JobsRepository, JobsService],
  exports: [JobsRepository, JobsService],
})
export class JobsModule {}
