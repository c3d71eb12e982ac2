import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RunPublisher } from '../broker/run-publisher';
import type { Environment } from '../config/environment';
import { Dispatcher } from './dispatcher';
import type { ClaimedRun } from './sql/claimed-run';

/** Broker mode: claimed runs were written queued; their ids are published for the workers, a full batch at a time. */
@Injectable()
export class BrokerDispatcher extends Dispatcher {
  private readonly logger = new Logger('BrokerDispatcher');
  private readonly exitBeforePublish: boolean;

  constructor(
    private readonly publisher: RunPublisher,
    config: ConfigService<Environment, true>,
  ) {
    super();
    this.exitBeforePublish = config.get('FAULT_EXIT_BEFORE_PUBLISH', { infer: true });
  }

  capacity(batch: number): number {
    return batch;
  }

  async dispatch(runs: ClaimedRun[]): Promise<void> {
    if (runs.length > 0 && this.exitBeforePublish) {
      this.logger.warn(`FAULT_EXIT_BEFORE_PUBLISH: exiting with ${runs.length} runs committed but not published`);
      process.exit(86);
    }
    await this.publisher.publish(runs.map((run) => run.id));
  }
}
