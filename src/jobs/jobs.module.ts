import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AuditModule } from '../audit/audit.module';
import { JobTypesModule } from '../job-types/job-types.module';
import { RunsModule } from '../runs/runs.module';
import { JobsDocumentController } from './jobs-document.controller';
import { JobsDocumentService } from './jobs-document.service';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [AlertsModule, AuditModule, JobTypesModule, RunsModule],
  controllers: [JobsDocumentController, JobsController],
  providers: [JobsRepository, JobsService, JobsDocumentService],
  exports: [JobsRepository, JobsService],
})
export class JobsModule {}
