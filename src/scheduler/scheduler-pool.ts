import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Pool, type PoolClient } from 'pg';
import type { Environment } from '../config/environment';
import { DatabaseTarget } from '../database/database-target';

/**
 * The scheduler's own connections, apart from the API's Prisma pool, so that a flood of API
 * requests can never starve the tick.
 */
@Injectable()
export class SchedulerPool implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SchedulerPool');
  readonly pool: Pool;

  constructor(@Inject(DatabaseTarget) target: DatabaseTarget, config: ConfigService<Environment, true>) {
    this.pool = new Pool({
      connectionString: target.url,
      max: config.get('SCHEDULER_POOL_SIZE', { infer: true }),
      connectionTimeoutMillis: 5_000,
      application_name: 'scheduler',
    });
    // An idle connection dropped by the server (restart, pg_terminate_backend) must not crash the process.
    this.pool.on('error', (error) => this.logger.warn(`idle scheduler connection lost: ${error.message}`));
  }

  /** Runs `work` in a transaction; rolls back on any error. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens for errors only on idle clients. A backend that dies between two statements
    // of this transaction (pg_terminate_backend, a server restart) makes the checked-out client emit
    // 'error', which with no listener would end the process; the next statement fails instead, and
    // the transaction rolls back on the server.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', onError);
      // With an error, the pool discards the client instead of handing out a dead connection.
      client.release(lost);
    }
  }

  /** After every onModuleDestroy, so the scheduler has handed its runs back first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
