import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-database';
import { adaptNginxConfig, adaptPrometheusConfig, DEPLOY_FILES, findExecutable } from './deploy-files';
import { deleteBrokerQueues, LOCAL_AMQP_URL, uniqueQueueName } from './rabbitmq';

/**
 * The topology of docker-compose.yml without Docker: instances of the built service (dist/main.js) in
 * broker mode, each scheduling and executing, plus worker-only instances, on the RabbitMQ of this
 * machine with a queue of their own; Nginx running deploy/nginx/nginx.conf in front of the scheduling
 * instances and Prometheus running deploy/prometheus/prometheus.yml, scraping them all, both adapted to
 * loopback addresses and a temporary folder, plus nginx-prometheus-exporter where it is installed.
 * PostgreSQL is the caller's (DATABASE_URL). Everything stops with stop(), which deletes the queue too.
 */

const MAIN = resolve(__dirname, '../../dist/main.js');
const OUTPUT_LIMIT = 64 * 1024;

export const TOPOLOGY_TOOLS = {
  nginx: findExecutable('nginx'),
  prometheus: findExecutable('prometheus'),
  // Debian's package name, then the upstream binary's.
  nginxExporter: findExecutable('prometheus-nginx-exporter', 'nginx-prometheus-exporter'),
};

/** Why the topology cannot run here, or undefined when it can. */
export function missingTopologyTools(): string | undefined {
  const missing = (['nginx', 'prometheus'] as const).filter((tool) => !TOPOLOGY_TOOLS[tool]);
  return missing.length > 0 ? `${missing.join(' and ')} not installed (apt-get install nginx prometheus; .ci/run does)` : undefined;
}

/** A child process whose output is kept (the tail of it) for error messages. */
class Managed {
  private output = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = once(child, 'exit').then(() => undefined);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  describe(): string {
    return `--- ${this.name} (${this.running ? 'running' : `exited ${this.child.exitCode ?? this.child.signalCode}`}):\n${this.output}`;
  }

  /** Polls `url` until it answers 200; fails at once when the process exits. */
  async waitUntilOk(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before ${url} answered\n${this.describe()}`);
      const ok = await fetch(url, { headers, signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
      if (ok) return;
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    throw new Error(`${url} did not answer 200 within ${timeoutMs} ms\n${this.describe()}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface TopologyOptions {
  databaseUrl: string;
  /** Instances that schedule and execute, behind Nginx (scheduler-1..3 of compose); 2 by default. */
  instances?: number;
  /** Worker-only instances, SCHEDULER_ENABLED=false (worker-1 of compose); 1 by default. */
  workers?: number;
  /** RabbitMQ; the local one by default. The queue is the topology's own, deleted by stop(). */
  amqpUrl?: string;
  apiToken?: string;
  metricsToken?: string;
  /** Prometheus's scrape and evaluation interval. */
  scrapeIntervalSeconds?: number;
}

export interface TopologyInstance {
  id: string;
  /** host:port, as Nginx's $upstream_addr and Prometheus's instance label say it. */
  address: string;
  url: string;
}

export class NativeTopology {
  private constructor(
    private readonly directory: string,
    private readonly processes: Managed[],
    /** The instances that schedule (and execute), Nginx's upstreams. */
    readonly instances: TopologyInstance[],
    /** The worker-only instances, which Nginx does not send requests to. */
    readonly workers: TopologyInstance[],
    readonly amqpUrl: string,
    /** AMQP_QUEUE of every instance; its dead-letter queue is `${amqpQueue}.dead`. */
    readonly amqpQueue: string,
    readonly nginxUrl: string,
    readonly prometheusUrl: string,
    /** Whether nginx-prometheus-exporter runs (Prometheus's `nginx` job is down without it). */
    readonly nginxExporter: boolean,
    readonly accessLogPath: string,
    readonly apiToken: string,
    private readonly killAll: () => void,
  ) {}

  static async start(options: TopologyOptions): Promise<NativeTopology> {
    const missing = missingTopologyTools();
    if (missing) throw new Error(missing);
    const apiToken = options.apiToken ?? 'topology-api-token';
    const metricsToken = options.metricsToken ?? 'topology-metrics-token';
    const amqpUrl = options.amqpUrl ?? LOCAL_AMQP_URL;
    const amqpQueue = uniqueQueueName('topology');
    const directory = mkdtempSync(join(tmpdir(), 'scheduler-topology-'));
    // Nginx's workers run as an unprivileged user when Nginx is started as root; they must reach it.
    chmodSync(directory, 0o755);
    const processes: Managed[] = [];
    const killAll = () => processes.forEach((managed) => managed.running && managed.child.kill('SIGKILL'));
    // Should the test process end without stop() (a crash, a timeout), nothing is left running.
    process.once('exit', killAll);
    try {
      const roles = [
        ...Array.from({ length: options.instances ?? 2 }, (_, index) => ({ id: `topology-${index + 1}`, schedules: true })),
        ...Array.from({ length: options.workers ?? 1 }, (_, index) => ({ id: `topology-worker-${index + 1}`, schedules: false })),
      ];
      const started = await Promise.all(
        roles.map(async ({ id, schedules }) => {
          const port = await findFreePort();
          const managed = new Managed(
            id,
            spawn(process.execPath, [MAIN], {
              // Only what docker-compose.yml gives a replica, and nothing from this shell (REDIS_URL, ...).
              env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                NODE_ENV: 'production',
                DATABASE_URL: options.databaseUrl,
                API_TOKENS: apiToken,
                METRICS_TOKEN: metricsToken,
                TRUST_PROXY: 'true',
                INSTANCE_ID: id,
                PORT: String(port),
                HOST: '127.0.0.1',
                LOG_LEVEL: 'warn',
                SCHEDULER_TICK: '* * * * * *',
                SHUTDOWN_GRACE_MS: '2000',
                EXECUTION_MODE: 'broker',
                AMQP_URL: amqpUrl,
                AMQP_QUEUE: amqpQueue,
                SCHEDULER_ENABLED: String(schedules),
                WORKER_ENABLED: 'true',
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            }),
          );
          processes.push(managed);
          return { schedules, managed, instance: { id, address: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` } };
        }),
      );
      // Ready, not only listening: migrated, connected to RabbitMQ, and the scheduler has ticked.
      await Promise.all(started.map(({ managed, instance }) => managed.waitUntilOk(`${instance.url}/health`, 30_000)));
      const instances = started.filter(({ schedules }) => schedules);
      const workers = started.filter(({ schedules }) => !schedules);

      const [nginxPort, statusPort, prometheusPort, exporterPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
      const nginxConfig = join(directory, 'nginx.conf');
      writeFileSync(
        nginxConfig,
        adaptNginxConfig(readFileSync(DEPLOY_FILES.nginx, 'utf8'), {
          directory,
          port: nginxPort,
          statusPort,
          upstreams: instances.map(({ instance }) => instance.address),
        }),
      );
      const nginx = new Managed(
        'nginx',
        spawn(TOPOLOGY_TOOLS.nginx!, ['-p', directory, '-e', join(directory, 'error.log'), '-c', nginxConfig, '-g', 'daemon off;'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      processes.push(nginx);
      const nginxUrl = `http://127.0.0.1:${nginxPort}`;
      await nginx.waitUntilOk(`${nginxUrl}/health/live`, 10_000);

      if (TOPOLOGY_TOOLS.nginxExporter) {
        const exporter = new Managed(
          'nginx-prometheus-exporter',
          spawn(
            TOPOLOGY_TOOLS.nginxExporter,
            [`--nginx.scrape-uri=http://127.0.0.1:${statusPort}/stub_status`, `--web.listen-address=127.0.0.1:${exporterPort}`],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          ),
        );
        processes.push(exporter);
        await exporter.waitUntilOk(`http://127.0.0.1:${exporterPort}/metrics`, 10_000);
      }

      const tokenFile = join(directory, 'metrics-token');
      writeFileSync(tokenFile, metricsToken);
      const prometheusConfig = join(directory, 'prometheus.yml');
      writeFileSync(
        prometheusConfig,
        adaptPrometheusConfig(readFileSync(DEPLOY_FILES.prometheus, 'utf8'), {
          schedulerTargets: instances.map(({ instance }) => instance.address),
          workerTargets: workers.map(({ instance }) => instance.address),
          nginxExporterTarget: `127.0.0.1:${exporterPort}`,
          selfTarget: `127.0.0.1:${prometheusPort}`,
          tokenFile,
          intervalSeconds: options.scrapeIntervalSeconds ?? 1,
        }),
      );
      const prometheus = new Managed(
        'prometheus',
        spawn(
          TOPOLOGY_TOOLS.prometheus!,
          [
            `--config.file=${prometheusConfig}`,
            `--storage.tsdb.path=${join(directory, 'prometheus-data')}`,
            `--web.listen-address=127.0.0.1:${prometheusPort}`,
            '--log.level=warn',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      processes.push(prometheus);
      const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
      await prometheus.waitUntilOk(`${prometheusUrl}/-/ready`, 15_000);

      const topology = new NativeTopology(
        directory,
        processes,
        instances.map(({ instance }) => instance),
        workers.map(({ instance }) => instance),
        amqpUrl,
        amqpQueue,
        nginxUrl,
        prometheusUrl,
        Boolean(TOPOLOGY_TOOLS.nginxExporter),
        join(directory, 'access.log'),
        apiToken,
        killAll,
      );
      return topology;
    } catch (error) {
      process.removeListener('exit', killAll);
      await Promise.all(processes.map((managed) => managed.stop(3_000)));
      rmSync(directory, { recursive: true, force: true });
      await deleteBrokerQueues(amqpQueue, amqpUrl).catch(() => undefined);
      throw error;
    }
  }

  /** Nginx's access log, one JSON object a line (deploy/nginx/nginx.conf's `scheduler` format). */
  accessLog(): Record<string, unknown>[] {
    return readFileSync(this.accessLogPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** A request through Nginx with the API token. */
  request(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.nginxUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.apiToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  }

  /** What each process printed, for a failing test's message. */
  describe(): string {
    return this.processes.map((managed) => managed.describe()).join('\n');
  }

  /** Every instance, schedulers then workers. */
  get allInstances(): TopologyInstance[] {
    return [...this.instances, ...this.workers];
  }

  /**
   * Services first (they finish their runs within SHUTDOWN_GRACE_MS), then the rest; then the queue
   * and its dead-letter queue, once no instance is left to declare them again.
   */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((managed) => managed.stop(managed.name.startsWith('topology-') ? 5_000 : 3_000)));
    process.removeListener('exit', this.killAll);
    rmSync(this.directory, { recursive: true, force: true });
    await deleteBrokerQueues(this.amqpQueue, this.amqpUrl);
  }
}
