import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { Dispatcher } from './dispatcher';
import { LocalRuns } from './local-runs';
import type { ClaimedRun } from './sql/claimed-run';

/** Inline mode: claimed runs start in this process, as many as free slots allow. */
@Injectable()
export class InlineDispatcher extends Dispatcher {
  private readonly concurrency: number;

  constructor(
    private readonly local: LocalRuns,
    config: ConfigService<Environment, true>,
  ) {
    super();
    this.concurrency = config.get('SCHEDULER_CONCURRENCY', { infer: true });
  }

  capacity(batch: number): number {
    return Math.min(batch, this.concurrency - this.local.size);
  }

  dispatch(runs: ClaimedRun[]): Promise<void> {
    runs.forEach((run) => void this.local.start(run));
    return Promise.resolve();
  }
}
