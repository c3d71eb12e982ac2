import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Client } from 'pg';

export const TEMPLATE = 'faults_template';

/** One statement on `url`'s database, on a connection of its own. */
export async function execute(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates the template every scenario's database is cloned from, migrated by the build's migrator.
 * `databaseUrl(name)`: the URL of database `name` on the same server.
 */
export async function createTemplate(databaseUrl: (name: string) => string, build: string): Promise<void> {
  await execute(databaseUrl('postgres'), `CREATE DATABASE ${TEMPLATE}`);
  const migrator = resolve(build, 'database/migrations/migrator.js');
  // dist/ in a plain Node child: the migrator loads a WebAssembly engine that Jest's transforms do not handle.
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(migrator)}).applyMigrations(process.argv[1]).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`,
      databaseUrl(TEMPLATE),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`migrating the fault suite's template failed:\n${stderr}`);
}

/** A server the fault scenarios get their databases from: the suite's own PostgreSQL or a Patroni cluster. */
export interface ScenarioDatabases {
  /** A fresh migrated database for one scenario; its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
}
