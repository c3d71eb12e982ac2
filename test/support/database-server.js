// Run by Jest's global setup as a plain Node process (Jest's transforms break ES-module packages there).
// Starts an embedded PostgreSQL unless DATABASE_URL names a server, migrates a template database that
// each test file clones, prints {"url": ...} and keeps the server up until stdin closes or SIGTERM.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startEmbeddedDatabase } = require('../../dist/database/embedded-database');
const { applyMigrations } = require('../../dist/database/migrations/migrator');

const TEMPLATE = process.argv[2];

async function createTemplate(serverUrl) {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${TEMPLATE}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE}`;
  await applyMigrations(url.toString());
}

async function main() {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase(mkdtempSync(join(tmpdir(), 'scheduler-test-pg-')), console.error, { persistent: false });
  const url = process.env.DATABASE_URL ?? embedded.url;
  await createTemplate(url);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  if (!embedded) return;
  const stop = () => embedded.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
