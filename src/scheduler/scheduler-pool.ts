import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Pool, PoolClient } from 'pg';
import type { Environment } from '../config/environment';
import { DatabaseTarget } from '../database/database-target';
import { createPool } from '../database/pg-pool';

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
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    // A backend that dies between two statements (see createPool) fails the next one; the
    // transaction rolls back on the server, and the pool drops the dead client on release.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** After every onModuleDestroy, so the scheduler has handed its runs back first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
