import { Module } from '@nestjs/common';
import { BrokerConnection } from './broker-connection';
import { InstanceIdentity } from '../scheduler/instance-identity';
import { RunPublisher } from './run-publisher';

/** RabbitMQ for broker mode; it connects only when started (EXECUTION_MODE=broker). */
@Module({
  providers: [BrokerConnection, RunPublisher, InstanceIdentity],
  exports: [BrokerConnection, RunPublisher],
})
export class BrokerModule {}
