import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { serverUrl, withClient } from './test-server';

export default async function globalTeardown(): Promise<void> {
  await withClient(serverUrl(), async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'scheduler_test_%'",
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  const helper = (globalThis as { testDatabaseHelper?: ChildProcess }).testDatabaseHelper;
  if (helper && helper.exitCode === null) {
    helper.stdin?.end();
    await once(helper, 'exit');
  }
}
