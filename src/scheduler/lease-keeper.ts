import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { InFlightRuns } from './in-flight-runs';
import { InstanceIdentity } from './instance-identity';
import { OutageLog } from './outage-log';
import { RunInterruption } from './run-interruption';
import { RunStore } from './run-store';

/**
 * Renews the leases of this instance's in-flight runs every third of the lease. A run whose lease
 * was taken away (the instance was frozen or cut off for longer than the lease, and another
 * abandoned the run) is aborted here: its retry belongs to someone else now. So is a run cancelled
 * through the API, should its notice not have reached this instance.
 */
@Injectable()
export class LeaseKeeper {
  private readonly logger = new Logger('LeaseKeeper');
  private readonly outage = new OutageLog(this.logger, 'renewing run leases');
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(
    private readonly inFlight: InFlightRuns,
    private readonly store: RunStore,
    private readonly instance: InstanceIdentity,
    config: ConfigService<Environment, true>,
  ) {
    this.intervalMs = Math.floor(config.get('RUN_LEASE_MS', { infer: true }) / 3);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async runOnce(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      const { lost, cancelled } = await this.store.extendLeases(this.inFlight.ids(), this.instance.id);
      this.outage.succeeded();
      cancelled.forEach((id) => this.inFlight.cancel(id));
      for (const id of lost) {
        if (!this.inFlight.has(id)) continue;
        this.logger.warn(`lost the lease of run ${id}: another instance abandoned it; stopping it and renewing no more`);
        this.inFlight.interrupt(id, new RunInterruption('lease_lost', 'the lease of this run was lost to another instance'));
      }
    } catch (error) {
      this.outage.failed(error);
    } finally {
      this.renewing = false;
    }
  }
}
