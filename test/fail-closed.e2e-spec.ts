import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { findFreePort } from '../src/database/embedded-database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const MAIN = resolve(__dirname, '../dist/main.js');

describe('authentication fails closed', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  /** Starts the built service; resolves with its exit code and output, or with `listening` when it got as far as serving. */
  async function start(environment: Record<string, string>): Promise<{ code: number | null; output: string } | 'listening'> {
    const port = await findFreePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, HOST: '127.0.0.1', PORT: String(port), ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, output }));
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const listening = await fetch(`http://127.0.0.1:${port}/health/live`).then(() => true, () => false);
      if (listening) {
        child.kill('SIGKILL');
        await exited;
        return 'listening';
      }
      const done = await Promise.race([exited, new Promise((wait) => setTimeout(wait, 200, undefined))]);
      if (done) return done as { code: number | null; output: string };
    }
    child.kill('SIGKILL');
    throw new Error(`the service neither exited nor listened within 30 s:\n${output}`);
  }

  it("refuses to start in production when API_TOKENS=',' parses to no token, naming the variable and not showing it", async () => {
    const result = await start({ NODE_ENV: 'production', API_TOKENS: ',' });
    expect(result).not.toBe('listening');
    const { code, output } = result as { code: number; output: string };
    expect(code).toBe(1);
    expect(output).toContain('API_TOKENS="[redacted]": is set but holds no token');
  });

  it('starts in production with a named key', async () => {
    expect(await start({ NODE_ENV: 'production', API_KEYS: 'deploy:admin:a-token', MIGRATE_ON_START: 'true' })).toBe('listening');
  });
});
