import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { applyMigrations } from '../../src/database/migrations/migrator';
import { progress } from './log';

export const TMP_DIR = resolve(__dirname, '../results/tmp');

/** The migrated, empty database every benchmark database is cloned from. */
export const EMPTY_TEMPLATE = 'bench_empty';

/**
 * The harness's own embedded PostgreSQL, in bench/results/tmp (never the tests' server, never the
 * project's .data): one server for the whole run, one database per repetition, cloned from templates.
 */
export class BenchDatabase {
  private constructor(
    private readonly serverUrl: URL,
    private readonly stopServer: () => Promise<void>,
    private readonly directory: string,
    readonly version: string,
  ) {}

  static async start(): Promise<BenchDatabase> {
    mkdirSync(TMP_DIR, { recursive: true });
    const directory = mkdtempSync(join(TMP_DIR, 'pg-'));
    progress(`starting the benchmark's embedded PostgreSQL in ${directory}`);
    const embedded = await startEmbeddedDatabase(join(directory, 'data'), (message) => progress(message), { persistent: false });
    const url = new URL(embedded.url);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    const database = new BenchDatabase(url, embedded.stop, directory, rows[0].server_version);
    await database.admin(`DROP DATABASE IF EXISTS ${EMPTY_TEMPLATE}`);
    await database.admin(`CREATE DATABASE ${EMPTY_TEMPLATE}`);
    await applyMigrations(database.url(EMPTY_TEMPLATE));
    return database;
  }

  url(name: string): string {
    const url = new URL(this.serverUrl.toString());
    url.pathname = `/${name}`;
    return url.toString();
  }

  async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.serverUrl.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  /** A fresh database, a copy of `template` (which must have no open connection). */
  async clone(template: string, name: string): Promise<string> {
    await this.drop(name);
    await this.admin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return this.url(name);
  }

  async drop(name: string): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  pool(name: string, max = 4): Pool {
    return new Pool({ connectionString: this.url(name), max, application_name: 'bench' });
  }

  async stop(): Promise<void> {
    await this.stopServer();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Runs `work` with one connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'bench' });
  // A server stopped under it (Ctrl-C) fails the query in progress; it must not crash the harness.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const DEADLOCK_DETECTED = '40P01';

/**
 * A statement of the benchmark that updates many job rows while the instances record outcomes (which
 * lock the jobs of their runs) can deadlock with them; PostgreSQL then aborts one side. When it is
 * the benchmark's, the statement is tried again, up to five times.
 */
export async function queryThroughDeadlocks(client: Client, text: string, values: unknown[] = []): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.query(text, values);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt === 5) throw error;
    }
  }
}
