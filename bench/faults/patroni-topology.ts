import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/database/embedded-database';
import { createTemplate, execute, type ScenarioDatabases, TEMPLATE } from './template-database';

const WATCHDOG = resolve(__dirname, 'topology-watchdog.js');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PROGRAMS = { patroni: '/usr/bin/patroni', patronictl: '/usr/bin/patronictl', etcd: '/usr/bin/etcd', haproxy: '/usr/sbin/haproxy', pgbouncer: '/usr/sbin/pgbouncer' };
const READY_TIMEOUT_MS = 120_000;
const run = promisify(execFile);

/** What `.ci/run` installs from Debian; undefined when all is there, else what is missing. */
export function missingTopologyPrograms(): string | undefined {
  const missing = [...Object.values(PROGRAMS), join(PG_BIN, 'postgres')].filter((path) => !existsSync(path));
  return missing.length ? missing.join(', ') : undefined;
}

export interface PatroniMember {
  name: string;
  role: string;
  state: string;
  port: number;
  api_url: string;
}

interface Node {
  name: string;
  pgPort: number;
  restPort: number;
  config: string;
  dataDir: string;
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Whom the topology's processes run as: `postgres` as root (initdb and PgBouncer refuse root), else oneself. */
function serviceUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

/**
 * Three PostgreSQL 15 nodes under Patroni (`synchronous_mode: true`: a commit is acknowledged once a
 * standby has it, so a failover loses no acknowledged claim), one etcd, HAProxy sending connections to
 * whichever node Patroni's REST API calls the primary, and PgBouncer in transaction mode in front of
 * HAProxy, all on loopback, under a temporary folder.
 *
 * HAProxy rather than a multi-host URL with `target_session_attrs=read-write`: node-postgres, the driver
 * under Prisma's adapter, reads one host from a URL and has no target_session_attrs, and HAProxy's
 * `on-marked-down shutdown-sessions` closes the connections to a leader as soon as Patroni stops calling
 * it the primary, so no pool keeps writing to a demoted node.
 *
 * A watchdog process (topology-watchdog.js) holds a pipe from this process: when it closes, because
 * close() was called or because this process died in any way, it kills every process started here,
 * the postmasters Patroni detaches included, and deletes the folder.
 */
export class PatroniTopology implements ScenarioDatabases {
  private readonly children = new Map<string, ChildProcess>();

  private constructor(
    readonly folder: string,
    private readonly watchdog: ChildProcess,
    readonly scope: string,
    readonly etcdPort: number,
    private readonly etcdPeerPort: number,
    readonly nodes: Node[],
    readonly haproxyPort: number,
    readonly pgbouncerPort: number,
    private readonly via: 'haproxy' | 'pgbouncer',
  ) {}

  /**
   * `via`: whether the databases it creates are reached through HAProxy (the leader) or through
   * PgBouncer in transaction mode in front of HAProxy.
   */
  static async start(build: string, via: 'haproxy' | 'pgbouncer' = 'haproxy'): Promise<PatroniTopology> {
    const folder = mkdtempSync(join(tmpdir(), 'scheduler-patroni-'));
    const watchdog = spawn(process.execPath, [WATCHDOG, folder], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    await once(createInterface({ input: watchdog.stdout }), 'line');
    const ports = await distinctFreePorts(10);
    const nodes = [0, 1, 2].map((index) => ({
      name: `node${index + 1}`,
      pgPort: ports[3 + index],
      restPort: ports[6 + index],
      config: join(folder, `node${index + 1}.yml`),
      dataDir: join(folder, `node${index + 1}`, 'data'),
    }));
    const topology = new PatroniTopology(folder, watchdog, `scheduler-${process.pid}`, ports[0], ports[9], nodes, ports[1], ports[2], via);
    try {
      await topology.boot(build);
    } catch (error) {
      await topology.close();
      throw error;
    }
    return topology;
  }

  private async boot(build: string): Promise<void> {
    const user = serviceUser();
    mkdirSync(join(this.folder, 'pids'));
    mkdirSync(join(this.folder, 'logs'));
    for (const node of this.nodes) mkdirSync(join(this.folder, node.name));
    writeFileSync(join(this.folder, 'haproxy.cfg'), this.haproxyConfig());
    writeFileSync(join(this.folder, 'pgbouncer.ini'), this.pgbouncerConfig());
    writeFileSync(join(this.folder, 'userlist.txt'), '"postgres" "postgres"\n');
    for (const node of this.nodes) writeFileSync(node.config, this.patroniConfig(node));
    if (user) chownTree(this.folder, user.uid, user.gid);

    this.launch('etcd', PROGRAMS.etcd, [
      '--name', 'etcd', '--data-dir', join(this.folder, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${this.etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${this.etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${this.etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${this.etcdPeerPort}`,
      '--initial-cluster', `etcd=http://127.0.0.1:${this.etcdPeerPort}`,
    ], user);
    await until(() => fetch(`http://127.0.0.1:${this.etcdPort}/health`).then((response) => response.ok), 'etcd answering');
    // The first node bootstraps alone, so that it is the one that runs initdb; the others clone it.
    this.launch(this.nodes[0].name, PROGRAMS.patroni, [this.nodes[0].config], user);
    await until(async () => (await this.members()).some((member) => member.role === 'leader' && member.state === 'running'), 'a Patroni leader');
    for (const node of this.nodes.slice(1)) this.launch(node.name, PROGRAMS.patroni, [node.config], user);
    this.launch('haproxy', PROGRAMS.haproxy, ['-db', '-f', join(this.folder, 'haproxy.cfg')], user);
    this.launch('pgbouncer', PROGRAMS.pgbouncer, [join(this.folder, 'pgbouncer.ini')], user);
    await this.waitUntilHealthy();
    await createTemplate((name) => this.databaseUrl(name, 'haproxy'), build);
  }

  private launch(name: string, command: string, args: string[], user: { uid: number; gid: number } | undefined): void {
    const log = openSync(join(this.folder, 'logs', `${name}.log`), 'a');
    const child = spawn(command, args, {
      // Its own process group, which the watchdog kills; HOME for Patroni's and etcd's own files.
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.folder, LANG: 'C.UTF-8' },
      ...user,
    });
    writeFileSync(join(this.folder, 'pids', name), String(child.pid));
    this.children.set(name, child);
  }

  /** Every member up, one leader, a synchronous standby, and HAProxy reaching a writable leader. */
  async waitUntilHealthy(timeoutMs = READY_TIMEOUT_MS): Promise<PatroniMember> {
    await until(
      async () => {
        const members = await this.members();
        return (
          members.length === this.nodes.length &&
          members.every((member) => member.state === 'running' || member.state === 'streaming') &&
          members.some((member) => member.role === 'leader') &&
          members.some((member) => member.role === 'sync_standby') &&
          (await this.writable('haproxy'))
        );
      },
      'a healthy Patroni cluster behind HAProxy',
      timeoutMs,
    );
    return this.leader();
  }

  private async writable(via: 'haproxy' | 'pgbouncer'): Promise<boolean> {
    try {
      await execute(this.databaseUrl('postgres', via), 'DO $$ BEGIN IF pg_is_in_recovery() THEN RAISE EXCEPTION \'standby\'; END IF; END $$');
      return true;
    } catch {
      return false;
    }
  }

  /** The members as Patroni's REST API of any answering node lists them. */
  async members(): Promise<PatroniMember[]> {
    for (const node of this.nodes) {
      try {
        const response = await fetch(`http://127.0.0.1:${node.restPort}/cluster`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return ((await response.json()) as { members: PatroniMember[] }).members;
      } catch {
        // This node's Patroni is down or busy: ask the next.
      }
    }
    return [];
  }

  async leader(): Promise<PatroniMember> {
    const leader = (await this.members()).find((member) => member.role === 'leader');
    if (!leader) throw new Error('the Patroni cluster has no leader');
    return leader;
  }

  /** `patronictl switchover` from the leader to a synchronous standby, as an operator does it. */
  async switchover(): Promise<{ from: string; to: string }> {
    const members = await this.members();
    const from = members.find((member) => member.role === 'leader')?.name;
    const to = members.find((member) => member.role === 'sync_standby')?.name;
    if (!from || !to) throw new Error(`no leader and synchronous standby to switch over: ${JSON.stringify(members)}`);
    await run(PROGRAMS.patronictl, ['-c', this.nodes[0].config, 'switchover', '--leader', from, '--candidate', to, '--force', this.scope], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.folder, LANG: 'C.UTF-8' },
    });
    return { from, to };
  }

  /**
   * SIGKILL of the leader's postmaster (its backends then exit by themselves). With
   * `primary_start_timeout: 0` its Patroni gives up the leader key instead of restarting it in place,
   * and promotes the synchronous standby; the old leader comes back as a replica (pg_rewind).
   */
  async killLeaderPostmaster(): Promise<string> {
    const leader = await this.leader();
    const node = this.nodes.find((candidate) => candidate.name === leader.name)!;
    const pid = Number(readFileSync(join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    return leader.name;
  }

  /** A connection string to database `name`, through HAProxy (the leader) or PgBouncer (then HAProxy). */
  databaseUrl(name: string, via: 'haproxy' | 'pgbouncer' = 'haproxy'): string {
    return `postgresql://postgres:postgres@127.0.0.1:${via === 'haproxy' ? this.haproxyPort : this.pgbouncerPort}/${name}`;
  }

  async createDatabase(name: string): Promise<string> {
    await execute(this.databaseUrl('postgres'), `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    return this.databaseUrl(name, this.via);
  }

  async dropDatabase(name: string): Promise<void> {
    await execute(this.databaseUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  /** Copies the logs to `directory` (before they go with the folder). */
  keepLogs(directory: string): void {
    mkdirSync(directory, { recursive: true });
    const logs = join(this.folder, 'logs');
    if (!existsSync(logs)) return;
    for (const file of readdirSync(logs)) copyFileSync(join(logs, file), join(directory, `patroni-${file}`));
  }

  /** Stops everything and deletes the folder (the watchdog does it when its pipe closes). */
  async close(): Promise<void> {
    if (this.watchdog.exitCode !== null) return;
    const exited = once(this.watchdog, 'exit');
    this.watchdog.stdin!.end();
    await exited;
  }

  private patroniConfig(node: Node): string {
    return `scope: ${this.scope}
name: ${node.name}
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:${node.restPort}
  connect_address: 127.0.0.1:${node.restPort}
etcd3:
  host: 127.0.0.1:${this.etcdPort}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 3
    primary_start_timeout: 0
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 300
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - auth: trust
postgresql:
  listen: 127.0.0.1:${node.pgPort}
  connect_address: 127.0.0.1:${node.pgPort}
  data_dir: ${node.dataDir}
  bin_dir: ${PG_BIN}
  pgpass: ${join(this.folder, node.name, 'pgpass')}
  authentication:
    superuser:
      username: postgres
      password: postgres
    replication:
      username: replicator
      password: replicator
    rewind:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: '${join(this.folder, node.name)}'
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
`;
  }

  private haproxyConfig(): string {
    const servers = this.nodes.map((node) => `  server ${node.name} 127.0.0.1:${node.pgPort} check port ${node.restPort}`).join('\n');
    return `global
  maxconn 2000
defaults
  mode tcp
  # While the leader is gone, a connection is refused within about a second (one retry, on another
  # server), so that the service's own timeouts decide, not HAProxy's queue.
  timeout connect 1s
  timeout queue 1s
  retries 1
  option redispatch
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:${this.haproxyPort}
  # Patroni's REST API answers 200 on /primary only on the node that holds the leader key.
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fastinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers}
`;
  }

  private pgbouncerConfig(): string {
    return `[databases]
* = host=127.0.0.1 port=${this.haproxyPort}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${this.pgbouncerPort}
unix_socket_dir =
auth_type = trust
admin_users = postgres
auth_file = ${join(this.folder, 'userlist.txt')}
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
ignore_startup_parameters = extra_float_digits,options
logfile = ${join(this.folder, 'logs', 'pgbouncer-own.log')}
`;
  }
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`the Patroni topology: no ${what} within ${timeoutMs / 1000} s`);
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) chownTree(join(path, entry.name), uid, gid);
    else chownSync(join(path, entry.name), uid, gid);
  }
}
