import { Injectable } from '@nestjs/common';
import { RunPublisher } from '../broker/run-publisher';
import { Dispatcher } from './dispatcher';
import type { ClaimedRun } from './sql/claimed-run';

/** Broker mode: claimed runs were written queued; their ids are published for the workers, a full batch at a time. */
@Injectable()
export class BrokerDispatcher extends Dispatcher {
  constructor(private readonly publisher: RunPublisher) {
    super();
  }

  capacity(batch: number): number {
    return batch;
  }

  async dispatch(runs: ClaimedRun[]): Promise<void> {
    await this.publisher.publish(runs.map((run) => run.id));
  }
}
