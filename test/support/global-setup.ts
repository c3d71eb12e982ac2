import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SERVER_URL_VARIABLE, TEMPLATE_DATABASE } from './test-server';

/**
 * One PostgreSQL for the whole run: the server of DATABASE_URL when set, else an embedded one in a
 * temporary folder, owned by a helper process that the teardown stops.
 */
export default async function globalSetup(): Promise<void> {
  const helper = spawn(process.execPath, [`${__dirname}/database-server.js`, TEMPLATE_DATABASE], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: helper.stdout });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(helper, 'exit').then(([code]) => {
      throw new Error(`the test database helper exited with code ${code}`);
    }),
  ])) as [string];
  process.env[SERVER_URL_VARIABLE] = (JSON.parse(line) as { url: string }).url;
  (globalThis as { testDatabaseHelper?: unknown }).testDatabaseHelper = helper;
}
