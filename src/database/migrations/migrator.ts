import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  MIGRATIONS_DIR,
  migrationNames,
  readMigrationList,
  readSchema,
  SCHEMA_SNAPSHOT_FILE,
} from './migration-files';
import { NO_FILTERS, openSchemaEngine } from './schema-engine';

/** Arbitrary, fixed key: every instance that migrates at start-up queues on this lock. */
const MIGRATION_LOCK_KEY = 727_073_690_001;
const UNDEFINED_TABLE = '42P01';

/**
 * Applies the pending migrations. Instances starting together serialise on an advisory lock held
 * by a transaction on a dedicated connection, so exactly one applies and the others then find
 * nothing left to do.
 */
export async function applyMigrations(url: string): Promise<string[]> {
  const lockHolder = new Client({ connectionString: url });
  await lockHolder.connect();
  try {
    await lockHolder.query('BEGIN');
    await lockHolder.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const { engine, close } = await openSchemaEngine(url, readSchema());
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: readMigrationList(),
        filters: NO_FILTERS,
      });
      return appliedMigrationNames;
    } finally {
      await close();
    }
  } finally {
    await lockHolder.query('COMMIT').catch(() => undefined);
    await lockHolder.end();
  }
}

/** The names of migrations on disk that the database has not recorded as finished. */
export async function pendingMigrations(client: Pick<Client, 'query'>): Promise<string[]> {
  const applied = await client
    .query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')
    .then((result) => new Set(result.rows.map((row) => row.migration_name)))
    .catch((error: unknown) => {
      // No migrations table yet means none applied; any other error (database down) is the caller's.
      if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return new Set<string>();
      throw error;
    });
  return migrationNames().filter((name) => !applied.has(name));
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Writes a new migration: the SQL that takes the schema as of the latest migration to the current
 * `schema.prisma`. Returns the folder written, or undefined when the schema has not changed.
 */
export async function createMigration(url: string, name: string, now = new Date()): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name "${name}" must be lower-case letters, digits and _`);
  const schema = readSchema();
  const previous = migrationNames().at(-1);
  const previousSchema = previous ? readFileSync(join(MIGRATIONS_DIR, previous, SCHEMA_SNAPSHOT_FILE), 'utf8') : undefined;
  const { engine, close } = await openSchemaEngine(url, schema);
  try {
    const { stdout } = await engine.diff({
      from: previousSchema
        ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: previousSchema }] }
        : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = (stdout ?? '').trim();
    if (sql === '' || sql === '-- This is an empty migration.') return undefined;
    const folder = join(MIGRATIONS_DIR, `${timestamp(now)}_${name}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'migration.sql'), `${sql}\n`);
    writeFileSync(join(folder, SCHEMA_SNAPSHOT_FILE), schema);
    writeFileSync(join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
    return folder;
  } finally {
    await close();
  }
}
