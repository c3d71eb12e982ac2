import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

/** `prisma/` at the project root, the same from `src/` (tests) and from `dist/` (the built service). */
export const PRISMA_DIR = resolve(__dirname, '../../../prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
/** Each migration folder keeps the schema it was generated from, so the next one is a diff from it. */
export const SCHEMA_SNAPSHOT_FILE = 'schema.prisma';

export function readSchema(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}

export function migrationNames(directory = MIGRATIONS_DIR): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

/** The migration folders as the schema engine expects them, read from disk. */
export function readMigrationList(directory = MIGRATIONS_DIR): MigrationList {
  const lockPath = join(directory, 'migration_lock.toml');
  return {
    baseDir: directory,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: migrationNames(directory).map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(directory, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}
