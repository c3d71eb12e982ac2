import 'reflect-metadata';
import { startEmbeddedDatabase } from '../embedded-database';
import { redactUrl } from '../redact-url';
import { validateEnvironment } from '../../config/environment';
import { applyMigrations, createMigration } from './migrator';

const USAGE = 'usage: migrations apply | migrations create <name>';

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const environment = validateEnvironment(process.env);
  if (environment.DATABASE_URL) {
    console.log(`database: ${redactUrl(environment.DATABASE_URL)}`);
    return work(environment.DATABASE_URL);
  }
  const embedded = await startEmbeddedDatabase(environment.EMBEDDED_DATABASE_DIR, console.error);
  console.log(`database: embedded PostgreSQL in ${environment.EMBEDDED_DATABASE_DIR}`);
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function main(args: string[]): Promise<void> {
  const [command, name] = args;
  if (command === 'apply') {
    const applied = await withDatabase(applyMigrations);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  } else if (command === 'create' && name) {
    const folder = await withDatabase((url) => createMigration(url, name));
    console.log(folder ? `wrote ${folder}` : 'schema.prisma matches the latest migration: nothing to write');
  } else {
    throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
