import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Environment } from '../config/environment';
import { PrismaClient } from '../generated/prisma/client';
import { DatabaseTarget } from './database-target';

/** Prisma Client over the pg driver adapter, with the API's own connection pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DatabaseTarget) target: DatabaseTarget, config: ConfigService<Environment, true>) {
    super({
      adapter: new PrismaPg(
        {
          connectionString: target.url,
          max: config.get('DATABASE_POOL_SIZE', { infer: true }),
          connectionTimeoutMillis: config.get('DATABASE_POOL_TIMEOUT_MS', { infer: true }),
          application_name: 'api',
        },
        // An idle connection dropped by the server must not crash the process.
        { onPoolError: (error) => new Logger('Prisma').warn(`idle API connection lost: ${error.message}`) },
      ),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
