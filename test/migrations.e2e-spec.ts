// The module object itself (not a namespace copy), so that spies on it see the migrator's calls too.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as migrationFiles from '../src/database/migrations/migration-files';
import { applyMigrations, createMigration, pendingMigrations } from '../src/database/migrations/migrator';
import * as schemaEngine from '../src/database/migrations/schema-engine';
import { compareCatalogs, readCatalog } from './support/catalog';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';

const { MIGRATIONS_DIR, migrationNames, readSchema } = migrationFiles;

/** What Prisma's schema engine would create for the current schema.prisma on an empty database. */
async function schemaSql(url: string): Promise<string> {
  const { engine, close } = await schemaEngine.openSchemaEngine(url, readSchema());
  try {
    const { stdout } = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: readSchema() }] },
      script: true,
      exitCode: null,
      filters: schemaEngine.NO_FILTERS,
    });
    return stdout ?? '';
  } finally {
    await close();
  }
}

const migrationFolders = () => fs.readdirSync(MIGRATIONS_DIR).sort();

/**
 * The WebAssembly engine sets a 10 s timer on each call and never clears it, which would hold the
 * test worker open after the last test (the service and the CLI exit explicitly, so they do not
 * notice). Only timers set from the engine's bindings are unref'd; any other leak still shows.
 */
const realSetTimeout = global.setTimeout;
function unrefEngineTimers(): void {
  global.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    const timer = realSetTimeout(...args);
    if (new Error().stack?.includes('schema_engine_bg')) timer.unref();
    return timer;
  }) as typeof setTimeout;
}

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  const emptyDatabase = async () => {
    const database = await createEmptyDatabase();
    databases.push(database);
    return database;
  };
  beforeAll(unrefEngineTimers);
  afterAll(async () => {
    global.setTimeout = realSetTimeout;
    for (const database of databases) await database.drop();
  });

  describe('schema.prisma and prisma/migrations', () => {
    let fromMigrations: TestDatabase;
    let fromSchema: TestDatabase;

    beforeAll(async () => {
      [fromMigrations, fromSchema] = await Promise.all([emptyDatabase(), emptyDatabase()]);
      await applyMigrations(fromMigrations.url);
      const sql = await schemaSql(fromSchema.url);
      await withClient(fromSchema.url, (client) => client.query(sql));
    });

    it('build the same tables, columns, indexes, constraints and enums (no drift)', async () => {
      const [migrated, described] = await Promise.all([readCatalog(fromMigrations.url), readCatalog(fromSchema.url)]);
      // Guards against comparing two empty catalogs: the schema's distinctive parts are there.
      expect(described.get('table jobs')).toBeDefined();
      expect(described.get('column jobs.next_run')).toBe('timestamp(3) with time zone NULL');
      expect(described.get('index jobs.jobs_due_idx')).toMatch(/WHERE \(?is_active = true\)?/);
      expect(described.get('enum RunStatus')).toBe('queued, running, succeeded, failed, timed_out, abandoned, skipped, retry_pending, cancelled');
      expect(described.get('constraint job_runs.job_runs_job_id_fkey')).toMatch(/ON DELETE CASCADE/);
      expect(compareCatalogs(migrated, described, ['prisma/migrations', 'schema.prisma'])).toEqual([]);
    });

    it('would be reported as drift: an extra column, a partial index made total, a new enum label', async () => {
      // A clone of the template database, which the global setup built with the same migrations.
      const altered = await createTestDatabase();
      databases.push(altered);
      await withClient(altered.url, async (client) => {
        await client.query('ALTER TABLE jobs ADD COLUMN owner text');
        await client.query('DROP INDEX jobs_due_idx');
        await client.query('CREATE INDEX jobs_due_idx ON jobs (next_run)');
        await client.query(`ALTER TYPE "RunStatus" ADD VALUE 'paused'`);
      });
      const differences = compareCatalogs(await readCatalog(altered.url), await readCatalog(fromSchema.url), [
        'altered',
        'schema.prisma',
      ]);
      expect(differences).toEqual([
        'column jobs.owner: only in altered: text NULL',
        'enum RunStatus: altered has queued, running, succeeded, failed, timed_out, abandoned, skipped, retry_pending, cancelled, paused; ' +
          'schema.prisma has queued, running, succeeded, failed, timed_out, abandoned, skipped, retry_pending, cancelled',
        expect.stringMatching(/^index jobs\.jobs_due_idx: altered has CREATE INDEX jobs_due_idx ON public\.jobs USING btree \(next_run\); schema\.prisma has .* WHERE /),
      ]);
    });
  });

  describe('applyMigrations', () => {
    it('applies each migration exactly once when three instances migrate one empty database at the same time', async () => {
      const database = await emptyDatabase();
      const expected = migrationNames();
      expect(expected.length).toBeGreaterThan(0);
      await withClient(database.url, async (client) => expect(await pendingMigrations(client)).toEqual(expected));

      const results = await Promise.all([applyMigrations(database.url), applyMigrations(database.url), applyMigrations(database.url)]);

      // One caller applied everything; the others, queued on the lock, found nothing left to do.
      expect(results.flat().sort()).toEqual(expected);
      expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
      await withClient(database.url, async (client) => {
        const { rows } = await client.query(
          `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NULL AS kept, applied_steps_count
             FROM _prisma_migrations ORDER BY migration_name`,
        );
        expect(rows).toEqual(expected.map((name) => ({ migration_name: name, finished: true, kept: true, applied_steps_count: 1 })));
        expect(await pendingMigrations(client)).toEqual([]);
        const tables = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('jobs', 'job_runs')");
        expect(tables.rows[0].n).toBe(2);
      });
      expect(await applyMigrations(database.url)).toEqual([]);
    });
  });

  describe('createMigration', () => {
    it('writes nothing when schema.prisma matches the latest migration', async () => {
      const database = await emptyDatabase();
      const before = migrationFolders();
      // Should the schema have drifted, nothing may land in prisma/migrations from a test run.
      const write = jest.spyOn(fs, 'writeFileSync').mockImplementation(() => {
        throw new Error('createMigration tried to write a file');
      });
      const mkdir = jest.spyOn(fs, 'mkdirSync').mockImplementation(() => {
        throw new Error('createMigration tried to create a folder');
      });
      try {
        await expect(createMigration(database.url, 'nothing_changed')).resolves.toBeUndefined();
        expect(write).not.toHaveBeenCalled();
        expect(mkdir).not.toHaveBeenCalled();
      } finally {
        write.mockRestore();
        mkdir.mockRestore();
      }
      expect(migrationFolders()).toEqual(before);
    });

    it('writes the SQL from the latest snapshot to schema.prisma when they differ, with the new snapshot', async () => {
      const database = await emptyDatabase();
      const before = migrationFolders();
      // A copy of prisma/migrations whose latest snapshot predates the timeoutMs field.
      const directory = fs.mkdtempSync(join(tmpdir(), 'scheduler-migrations-'));
      fs.cpSync(MIGRATIONS_DIR, directory, { recursive: true });
      const latest = migrationNames().at(-1) as string;
      const snapshotPath = join(directory, latest, migrationFiles.SCHEMA_SNAPSHOT_FILE);
      const snapshot = fs.readFileSync(snapshotPath, 'utf8');
      const withoutTimeout = snapshot.replace(/^\s*timeoutMs\s.*\n/m, '');
      expect(withoutTimeout).not.toBe(snapshot);
      fs.writeFileSync(snapshotPath, withoutTimeout);

      let isolatedCreateMigration!: typeof createMigration;
      jest.isolateModules(() => {
        jest.doMock('../src/database/migrations/migration-files', () => ({
          ...migrationFiles,
          MIGRATIONS_DIR: directory,
          migrationNames: (folder = directory) => migrationFiles.migrationNames(folder),
          readMigrationList: (folder = directory) => migrationFiles.readMigrationList(folder),
        }));
        // The engine already compiled in this process, rather than compiling its WebAssembly again.
        jest.doMock('../src/database/migrations/schema-engine', () => schemaEngine);
        isolatedCreateMigration = require('../src/database/migrations/migrator').createMigration;
      });

      try {
        const folder = await isolatedCreateMigration(database.url, 'add_timeout', new Date('2026-12-01T10:20:30Z'));
        expect(folder).toBe(join(directory, '20261201102030_add_timeout'));
        const sql = fs.readFileSync(join(folder as string, 'migration.sql'), 'utf8');
        expect(sql).toMatch(/ALTER TABLE "jobs" ADD COLUMN\s+"timeout_ms" INTEGER NOT NULL DEFAULT 60000/);
        expect(sql).not.toMatch(/CREATE TABLE/);
        expect(fs.readFileSync(join(folder as string, migrationFiles.SCHEMA_SNAPSHOT_FILE), 'utf8')).toBe(readSchema());
        expect(migrationFolders()).toEqual(before);
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });
  });
});
