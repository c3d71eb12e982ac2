import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';
import { AuditPruner } from './audit-pruner';
import { AuditRepository } from './audit.repository';

@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditLog, AuditPruner],
  exports: [AuditLog],
})
export class AuditModule {}
