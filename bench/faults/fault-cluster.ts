import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { connect } from 'amqplib';
import { ServiceProcess } from '../../test/support/service-process';
import { startSlowHttpServer, type SlowHttpServer } from '../../test/support/slow-http-server';
import { countOccurrences, type OccurrenceCounts, unsettledOccurrences, withClient } from './occurrence-counts';
import type { ScenarioDatabases } from './template-database';

export const SECOND = 1000;
export const AMQP_URL = process.env.FAULTS_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const LOG_DIR = resolve(__dirname, '../results/tmp');

export const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, Math.max(0, ms)));
/** A job creation refused with a 503 (an exhausted API pool) is tried this many times in all. */
const CREATE_ATTEMPTS = 20;
const CREATE_RETRY_DELAY_MS = 250;
/** Several instances starting at once beside a Patroni cluster, on a loaded 2-core machine, take their time. */
const START_TIMEOUT_MS = 90 * SECOND;

/** Whether RabbitMQ answers at AMQP_URL: broker mode needs it. */
export async function brokerReachable(): Promise<boolean> {
  try {
    const connection = await connect(AMQP_URL, { timeout: 2_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function deleteQueues(queues: string[]): Promise<void> {
  const connection = await connect(AMQP_URL, { timeout: 2_000 });
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}

/** The jobs every scenario runs: most fire every second, and the http ones keep runs in flight. */
export interface Workload {
  /** `log` jobs every second: instant runs, many of them. */
  logEverySecond: number;
  /** `http` jobs every second against /delay/<httpDelayMs>. */
  httpEverySecond: number;
  httpDelayMs: number;
  /** `http` jobs every 3 seconds against /delay/<slowHttpDelayMs>: long runs in flight. */
  httpEveryThreeSeconds: number;
  slowHttpDelayMs: number;
}

export interface ClusterOptions {
  /** The service's build: a folder holding main.js. */
  build: string;
  scenario: string;
  instances: number;
  /**
   * Broker mode (EXECUTION_MODE=broker, RabbitMQ at AMQP_URL): instance 0 only schedules and
   * publishes, and at least two workers execute what they consume (one may be killed), so 3 processes
   * for `instances` 2 or 3. Inline mode otherwise: `instances` instances that each do both.
   */
  broker?: boolean;
  leaseMs: number;
  /** Extra environment for every instance. */
  environment?: Record<string, string>;
}

/** [from, to]: the occurrences a scenario counts. */
export interface Window {
  from: Date;
  to: Date;
  /** `seconds` after `from`. */
  at(seconds: number): number;
}

function windowBetween(from: Date, to: Date): Window {
  return { from, to, at: (offset) => from.getTime() + offset * SECOND };
}

/**
 * Real processes of the built service (dist/main.js) on a database of their own on the suite's
 * PostgreSQL, a slow HTTP server for the `http` jobs, and the means to hurt them.
 */
export class FaultCluster {
  readonly instances: ServiceProcess[] = [];
  /** Every process started, killed ones included, for their logs. */
  private readonly started: ServiceProcess[] = [];
  private closing: Promise<(number | null)[]> | undefined;
  private workload: Workload | undefined;
  /** Ids of the jobs createJobs made. */
  readonly jobIds: number[] = [];

  private constructor(
    readonly postgres: ScenarioDatabases,
    readonly options: ClusterOptions,
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly slowServer: SlowHttpServer,
  ) {}

  /** The RabbitMQ queue of this cluster in broker mode: its own, deleted at the end. */
  readonly queue = `scheduler.faults.${randomBytes(4).toString('hex')}`;

  static async open(postgres: ScenarioDatabases, options: ClusterOptions): Promise<FaultCluster> {
    const databaseName = `faults_${options.scenario.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
    const databaseUrl = await postgres.createDatabase(databaseName);
    const slowServer = await startSlowHttpServer();
    const cluster = new FaultCluster(postgres, options, databaseName, databaseUrl, slowServer);
    try {
      const count = options.broker ? 1 + Math.max(2, options.instances - 1) : options.instances;
      const indexes = Array.from({ length: count }, (_, index) => index);
      // Every start settles before close() may run: one that failed must not leave another starting unseen.
      const starts = await Promise.allSettled(indexes.map((index) => cluster.launch(index)));
      const failed = starts.find((start) => start.status === 'rejected');
      if (failed) throw failed.reason;
      cluster.instances.push(...starts.map((start) => (start as PromiseFulfilledResult<ServiceProcess>).value));
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  instanceId(index: number): string {
    if (this.options.broker) return `${this.options.scenario}-${index === 0 ? 'scheduler' : `worker-${index}`}`;
    return `${this.options.scenario}-${String.fromCharCode(97 + index)}`;
  }

  /** Instances that execute runs: all of them inline, the workers in broker mode. */
  get executors(): number[] {
    return this.instances.map((_, index) => index).filter((index) => !this.options.broker || index > 0);
  }

  /**
   * Instances that serve API clients: all of them inline; in broker mode the scheduler, as in the
   * compose stack, where the worker replica is not behind Nginx.
   */
  get apiInstances(): ServiceProcess[] {
    return this.options.broker ? this.instances.filter((_, index) => !this.executors.includes(index)) : this.instances;
  }

  /** Instances that tick (claim due occurrences): all of them inline, the first in broker mode. */
  isScheduler(index: number): boolean {
    return !this.options.broker || index === 0;
  }

  environment(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.databaseUrl,
      MIGRATE_ON_START: 'false',
      SCHEDULER_TICK: '* * * * * *',
      SCHEDULER_CONCURRENCY: '100',
      RUN_LEASE_MS: String(this.options.leaseMs),
      SHUTDOWN_GRACE_MS: '3000',
      THROTTLE_LIMIT: '0',
      // The http jobs call the suite's own server on loopback, which the outbound policy refuses by default.
      HTTP_JOBS_ALLOW: '127.0.0.1',
      ...this.options.environment,
      ...extra,
    };
  }

  private roleEnvironment(index: number): Record<string, string> {
    if (!this.options.broker) return {};
    return {
      EXECUTION_MODE: 'broker',
      AMQP_URL,
      AMQP_QUEUE: this.queue,
      QUEUED_REPUBLISH_MS: '3000',
      SCHEDULER_ENABLED: String(this.isScheduler(index)),
      WORKER_ENABLED: String(index > 0),
    };
  }

  private async launch(index: number): Promise<ServiceProcess> {
    const instanceId = this.instanceId(index);
    const service = await ServiceProcess.start(this.environment(this.roleEnvironment(index)), instanceId, join(this.options.build, 'main.js'), START_TIMEOUT_MS);
    this.started.push(service);
    return service;
  }

  /** SIGKILL of instance `index`, then a new process under the same instance id (as a restarted replica). */
  async killAndRestart(index: number): Promise<void> {
    await this.instances[index].stop('SIGKILL');
    this.instances[index] = await this.launch(index);
  }

  async createJobs(workload: Workload): Promise<void> {
    this.workload = workload;
    const bodies: Record<string, unknown>[] = [];
    const slow = this.slowServer.url;
    for (let index = 0; index < workload.logEverySecond; index += 1) {
      bodies.push({ name: `log every second ${index}`, schedule: '* * * * * *', params: { message: `job ${index}` } });
    }
    for (let index = 0; index < workload.httpEverySecond; index += 1) {
      bodies.push({
        name: `http every second ${index}`,
        schedule: '* * * * * *',
        type: 'http',
        params: { url: `${slow}/delay/${workload.httpDelayMs}` },
      });
    }
    for (let index = 0; index < workload.httpEveryThreeSeconds; index += 1) {
      bodies.push({
        name: `http every 3 s ${index}`,
        schedule: '*/3 * * * * *',
        type: 'http',
        params: { url: `${slow}/delay/${workload.slowHttpDelayMs}` },
      });
    }
    for (const body of bodies) {
      // Two attempts: a run that fails for a reason of its own gets one retry; abandoned attempts do not count.
      this.jobIds.push(await this.createJob({ maxAttempts: 2, ...body }));
    }
  }

  /**
   * Creates one job, retrying a 503 as the answer asks ("retry shortly"): a scenario with a tiny API
   * pool and a short pool timeout can refuse a creation on a loaded machine before its fault begins.
   */
  private async createJob(body: Record<string, unknown>): Promise<number> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${this.instances[0].url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status === 201) return ((await response.json()) as { id: number }).id;
      const answer = `creating a job answered ${response.status}: ${await response.text()}`;
      if (response.status !== 503 || attempt === CREATE_ATTEMPTS) throw new Error(answer);
      await sleep(CREATE_RETRY_DELAY_MS);
    }
  }

  /**
   * A window of `seconds` from the next whole second at least 200 ms away: every job exists by then,
   * so its first occurrence in the window is its nextRun or later.
   */
  openWindow(seconds: number): Window {
    const from = new Date(Math.ceil((Date.now() + 200) / SECOND) * SECOND);
    const to = new Date(from.getTime() + seconds * SECOND);
    return windowBetween(from, to);
  }

  /**
   * `window`, ending no earlier than `until`: on a loaded machine a fault may come later than planned
   * (waiting for runs in flight), and the occurrences it delays must still be counted.
   */
  extendWindow(window: Window, until: number): Window {
    return windowBetween(window.from, new Date(Math.max(window.to.getTime(), Math.ceil(until / SECOND) * SECOND)));
  }

  /**
   * Waits for the window to end, then until each of its occurrences has a run and none is unfinished,
   * at most `settleMs`; then counts. A rescue takes a lease and a tick; an occurrence abandoned again
   * waits longer (one lease, two, four…), so the bound is generous: most windows settle in a second or two.
   */
  async closeWindow(window: Window, settleMs = 20 * this.options.leaseMs + 10 * SECOND): Promise<OccurrenceCounts> {
    await sleep(window.to.getTime() + 200 - Date.now());
    const deadline = Date.now() + settleMs;
    while (Date.now() < deadline && (await unsettledOccurrences(this.databaseUrl, window.from, window.to)) > 0) {
      await sleep(250);
    }
    return countOccurrences(this.databaseUrl, window.from, window.to, 2 * this.options.leaseMs);
  }

  query<Row extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<Row[]> {
    return withClient(this.databaseUrl, async (client) => (await client.query<Row>(sql, values)).rows);
  }

  /**
   * Waits until instance `index` has runs of `http` jobs in flight that started less than half their
   * duration ago, so that a fault right now surely interrupts them, and returns their ids.
   */
  async waitForRunsInFlight(index: number, timeoutMs = 10 * SECOND): Promise<string[]> {
    const marginMs = (this.workload?.httpDelayMs ?? 1000) / 2;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const rows = await this.query<{ id: string }>(
        `SELECT r.id FROM job_runs r JOIN jobs j ON j.id = r.job_id
          WHERE r.status = 'running' AND r.instance_id = $1 AND j.type = 'http'
            AND r.started_at > now() - $2 * interval '1 millisecond'`,
        [this.instances[index].instanceId, marginMs],
      );
      if (rows.length > 0) return rows.map((row) => row.id);
      await sleep(50);
    }
    throw new Error(`${this.instances[index].instanceId} had no run in flight within ${timeoutMs} ms`);
  }

  /** Everything every process wrote, killed ones included. */
  output(instanceId?: string): string {
    return this.started
      .filter((service) => instanceId === undefined || service.instanceId === instanceId)
      .map((service) => service.output.join(''))
      .join('');
  }

  /** Instances whose process exited by itself (none should). */
  exitedUnasked(): string[] {
    return this.instances.filter((service) => service.child.exitCode !== null || service.child.signalCode !== null).map((s) => s.instanceId);
  }

  /**
   * Stops every process (SIGCONT first, for a frozen one; SIGTERM, then SIGKILL after a bound) and
   * returns the exit codes of SIGTERM; keeps the logs under bench/results/tmp/; drops the database.
   */
  async close(): Promise<(number | null)[]> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<(number | null)[]> {
    const codes = await Promise.all(
      this.instances.map(async (service) => {
        service.child.kill('SIGCONT');
        let timer: NodeJS.Timeout | undefined;
        const forced = new Promise<'forced'>((resolveForced) => (timer = setTimeout(() => resolveForced('forced'), 15 * SECOND)));
        const code = await Promise.race([service.stop('SIGTERM'), forced]);
        clearTimeout(timer);
        if (code === 'forced') {
          await service.stop('SIGKILL');
          return -1;
        }
        return code;
      }),
    );
    await Promise.all(this.started.map((service) => service.stop('SIGKILL')));
    mkdirSync(LOG_DIR, { recursive: true });
    this.started.forEach((service, index) => {
      writeFileSync(join(LOG_DIR, `faults-${service.instanceId}-${index}.log`), service.output.join(''));
    });
    await this.slowServer.close();
    await this.postgres.dropDatabase(this.databaseName).catch(() => undefined);
    if (this.options.broker) await deleteQueues([this.queue, `${this.queue}.dead`]).catch(() => undefined);
    return codes;
  }
}
