import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BrokerConnection } from '../broker/broker-connection';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { pendingMigrations } from '../database/migrations/migrator';
import { MaintenanceRepository } from '../maintenance/maintenance.repository';
import { SchedulerPool } from '../scheduler/scheduler-pool';
import { SchedulerService } from '../scheduler/scheduler.service';
import { nextOccurrence } from '../schedules/cron-schedule';

const CHECK_TIMEOUT_MS = 2_000;

/** The interval between two ticks of the scheduler's cron expression. */
function tickIntervalMs(expression: string, now: Date): number {
  const first = nextOccurrence(expression, 'UTC', now) as Date;
  return (nextOccurrence(expression, 'UTC', first) as Date).getTime() - first.getTime();
}

/** What readiness means here: database reachable, schema migrated, scheduler ticking, broker connected. */
@Injectable()
export class Readiness {
  private readonly startedAt: number;
  /** A scheduler that has not completed a tick for three intervals (at least 10 s) is stuck. */
  private readonly maxTickAgeMs: number;
  private readonly brokered: boolean;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly database: SchedulerPool,
    private readonly scheduler: SchedulerService,
    private readonly broker: BrokerConnection,
    private readonly clock: Clock,
    private readonly maintenance: MaintenanceRepository,
    config: ConfigService<Environment, true>,
  ) {
    this.startedAt = clock.now().getTime();
    this.brokered = config.get('EXECUTION_MODE', { infer: true }) === 'broker';
    this.maxTickAgeMs = Math.max(10_000, 3 * tickIntervalMs(config.get('SCHEDULER_TICK', { infer: true }), clock.now()));
  }

  databaseReachable() {
    return this.health
      .check('database')
      .attempt(async () => {
        await this.database.pool.query('SELECT 1');
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  migrationsApplied() {
    return this.health
      .check('migrations')
      .attempt(async () => {
        const pending = await pendingMigrations(this.database.pool);
        if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  /**
   * The maintenance switch, a state of its own: up either way, so that a paused fleet stays in the load
   * balancer and can be resumed; `state` says `paused` (since when, by whom) or `running`.
   */
  maintenanceSwitch() {
    return this.health
      .check('maintenance')
      .attempt(async () => {
        const { paused, changedAt, changedBy } = await this.maintenance.read();
        return paused ? { state: 'paused', since: changedAt, by: changedBy } : { state: 'running' };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  brokerConnected() {
    const session = this.health.check('broker');
    if (!this.brokered) return session.up({ message: 'inline mode: no broker' });
    return this.broker.connected ? session.up() : session.down({ message: 'RabbitMQ is unreachable; reconnecting' });
  }

  schedulerTicking() {
    const session = this.health.check('scheduler');
    if (!this.scheduler.enabled) return session.up({ message: 'disabled on this instance (SCHEDULER_ENABLED=false)' });
    const last = this.scheduler.lastTickAt?.getTime();
    const age = this.clock.now().getTime() - (last ?? this.startedAt);
    const lastTickAt = last ? new Date(last).toISOString() : null;
    return age <= this.maxTickAgeMs
      ? session.up({ lastTickAt })
      : session.down({ message: `no completed tick for ${age} ms (limit ${this.maxTickAgeMs} ms)`, lastTickAt });
  }
}
