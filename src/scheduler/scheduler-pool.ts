import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Pool, PoolClient } from 'pg';
import type { Environment } from '../config/environment';
import { DatabaseTarget } from '../database/database-target';
import { createPool } from '../database/pg-pool';
import { inTransaction } from '../database/pg-transaction';

/**
 * The scheduler's own connections, apart from the API's Prisma pool, so that a flood of API
 * requests can never starve the tick.
 */
@Injectable()
export class SchedulerPool implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SchedulerPool');
  readonly pool: Pool;

  constructor(@Inject(DatabaseTarget) target: DatabaseTarget, config: ConfigService<Environment, true>) {
    // A connection dropped by the server (restart, pg_terminate_backend) must not crash the process.
    this.pool = createPool(
      {
        connectionString: target.url,
        max: config.get('SCHEDULER_POOL_SIZE', { infer: true }),
        connectionTimeoutMillis: 5_000,
        application_name: 'scheduler',
      },
      (error) => this.logger.warn(`idle scheduler connection lost: ${error.message}`),
    );
  }

  /** Runs `work` in a transaction; rolls back on any error. */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** After every onModuleDestroy, so the scheduler has handed its runs back first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
