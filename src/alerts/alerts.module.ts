import { Module } from '@nestjs/common';
import { OutboundModule } from '../outbound/outbound.module';
import { AlertDeliverer } from './alert-deliverer';
import { AlertOutbox } from './alert-outbox';
import { AlertPruner } from './alert-pruner';
import { AlertSender } from './alert-sender';
import { AlertSettings } from './alert-settings';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** Alerts: the outbox the scheduler writes in its transactions, its delivery worker and pruner, and GET /jobs/:id/alerts. */
@Module({
  imports: [OutboundModule],
  controllers: [AlertsController],
  providers: [AlertSettings, AlertOutbox, AlertSender, AlertDeliverer, AlertPruner, AlertsRepository, AlertsService],
  exports: [AlertSettings, AlertOutbox, AlertDeliverer],
})
export class AlertsModule {}
