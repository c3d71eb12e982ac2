import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({ imports: [AuditModule], controllers: [RunsController], providers: [RunsRepository, RunsService], exports: [RunsRepository] })
export class RunsModule {}
