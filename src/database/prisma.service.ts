import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import type { Environment } from '../config/environment';
import { PrismaClient } from '../generated/prisma/client';
import { DatabaseTarget } from './database-target';
import { createPool } from './pg-pool';

/** Prisma Client over the pg driver adapter, with the API's own connection pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  /** The pool Prisma's adapter queries through, for the few reads too hot for Prisma's engine. */
  readonly pool: Pool;

  constructor(@Inject(DatabaseTarget) target: DatabaseTarget, config: ConfigService<Environment, true>) {
    // A connection dropped by the server (restart, pg_terminate_backend) must not crash the process:
    // the pool is made here (see createPool) and handed to the adapter, which ends it on disconnect.
    const pool = createPool(
      {
        connectionString: target.url,
        max: config.get('DATABASE_POOL_SIZE', { infer: true }),
        connectionTimeoutMillis: config.get('DATABASE_POOL_TIMEOUT_MS', { infer: true }),
        application_name: 'api',
      },
      (error) => new Logger('Prisma').warn(`idle API connection lost: ${error.message}`),
    );
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      // Prisma's other formats render the call site of a failed query, reading the source file, for
      // every error: when the pool runs dry, that is most of the cost of answering each request 503,
      // and it starves the scheduler in the same process. The exception filter logs the stack anyway.
      errorFormat: 'minimal',
    });
    this.pool = pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
