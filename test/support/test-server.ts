import { Client } from 'pg';

/** Set by the global setup: the PostgreSQL server the tests use and the migrated template on it. */
export const SERVER_URL_VARIABLE = 'TEST_DATABASE_SERVER_URL';
export const TEMPLATE_DATABASE = 'scheduler_test_template';

export function serverUrl(): string {
  const url = process.env[SERVER_URL_VARIABLE];
  if (!url) throw new Error(`${SERVER_URL_VARIABLE} is not set: run the tests through jest, whose global setup sets it`);
  return url;
}

export function databaseUrl(database: string, server = serverUrl()): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
