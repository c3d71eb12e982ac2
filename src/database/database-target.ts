import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { startEmbeddedDatabase } from './embedded-database';
import { applyMigrations } from './migrations/migrator';
import { redactUrl } from './redact-url';

/** The PostgreSQL server this instance uses, and how to let go of it. */
export class DatabaseTarget {
  constructor(
    readonly url: string,
    private readonly stopServer?: () => Promise<void>,
  ) {}

  async release(): Promise<void> {
    await this.stopServer?.();
  }
}

/**
 * `DATABASE_URL` when set, else an embedded PostgreSQL with its data in the project. Pending
 * migrations are applied before anything else touches the database, unless turned off.
 */
export async function openDatabaseTarget(config: ConfigService<Environment, true>): Promise<DatabaseTarget> {
  const logger = new Logger('Database');
  const configuredUrl = config.get('DATABASE_URL', { infer: true });
  let target: DatabaseTarget;
  if (configuredUrl) {
    logger.log(`using DATABASE_URL ${redactUrl(configuredUrl)}`);
    target = new DatabaseTarget(configuredUrl);
  } else {
    const directory = config.get('EMBEDDED_DATABASE_DIR', { infer: true });
    const embedded = await startEmbeddedDatabase(directory, (message) => logger.warn(message));
    logger.log(`DATABASE_URL is not set: using embedded PostgreSQL at ${redactUrl(embedded.url)}, data in ${directory}`);
    target = new DatabaseTarget(embedded.url, embedded.stop);
  }
  if (config.get('MIGRATE_ON_START', { infer: true })) {
    try {
      const applied = await applyMigrations(target.url);
      logger.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    } catch (error) {
      await target.release();
      throw error;
    }
  }
  return target;
}
