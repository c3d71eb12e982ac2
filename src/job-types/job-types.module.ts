import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OutboundModule } from '../outbound/outbound.module';
import { JobTypeRegistry } from './job-type.registry';
import { JobTypesController } from './job-types.controller';
import { HttpStrategy } from './strategies/http.strategy';
import { LogStrategy } from './strategies/log.strategy';
import { ShellStrategy } from './strategies/shell.strategy';

/** The job types this service can run. Adding one is adding its class here. */
@Module({
  imports: [DiscoveryModule, OutboundModule],
  controllers: [JobTypesController],
  providers: [JobTypeRegistry, HttpStrategy, LogStrategy, ShellStrategy],
  exports: [JobTypeRegistry],
})
export class JobTypesModule {}
