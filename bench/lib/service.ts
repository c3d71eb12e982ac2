import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-database';
import { sleep } from './log';

/**
 * The service as the harness builds it (bench/nest-cli.json): apart from dist/, which `npm test`
 * rebuilds. BENCH_SERVICE_MAIN points at another build instead, to compare two versions.
 */
export const SERVICE_MAIN = process.env.BENCH_SERVICE_MAIN ?? resolve(__dirname, '../../dist-bench/main.js');
const REGISTER = resolve(__dirname, '../register.js');

/** Instances run as in production (JSON logs, bearer tokens required), with this token. */
export const BENCH_TOKEN = 'bench-token';
export const AUTHORIZATION = { authorization: `Bearer ${BENCH_TOKEN}` };

/** Resident set size of a process, in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** A real process: the service (dist-bench/main.js) or one of the harness's own peer scripts. */
export class BenchProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    const collect = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 2_000) this.output.splice(0, 1_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  rss(): number {
    return rssMb(this.pid);
  }

  /**
   * One instance of the service with `environment` on top of the harness's defaults. An environment
   * may name another build in BENCH_SERVICE_MAIN, to compare two versions in one run.
   */
  static async service(name: string, { BENCH_SERVICE_MAIN: main, ...environment }: Record<string, string>, nodeArgs: string[] = []): Promise<BenchProcess> {
    const port = await findFreePort();
    const child = spawn(process.execPath, [...nodeArgs, main ?? SERVICE_MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        API_TOKENS: BENCH_TOKEN,
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
        ...environment,
        PORT: String(port),
        HOST: '127.0.0.1',
        INSTANCE_ID: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const process_ = new BenchProcess(name, child, port);
    await process_.waitForHttp('/health/live');
    return process_;
  }

  /** A harness script (TypeScript, through bench/register.js) that serves HTTP on PORT or just runs. */
  static async script(name: string, file: string, environment: Record<string, string>, waitForHttp = true): Promise<BenchProcess> {
    const port = await findFreePort();
    const child = spawn(process.execPath, ['-r', REGISTER, resolve(__dirname, '..', file)], {
      env: { PATH: process.env.PATH, ...environment, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const process_ = new BenchProcess(name, child, port);
    if (waitForHttp) await process_.waitForHttp('/health');
    return process_;
  }

  private async waitForHttp(path: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited early:\n${this.output.join('')}`);
      const ok = await fetch(`${this.url}${path}`).then((response) => response.ok, () => false);
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not answer ${path} within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** The Prometheus text of a service instance. */
  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`, { headers: AUTHORIZATION })).text();
  }

  /** Sum of one metric's samples whose labels contain every `labels` pair. */
  async metricSum(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await this.metrics();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (!match || match[1] !== name) continue;
      const labelText = match[2] ?? '';
      if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(match[3]);
    }
    return sum;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Every process the harness started, stopped on exit or on Ctrl-C whatever happened. */
export class ProcessGroup {
  private readonly processes = new Set<BenchProcess>();

  add(process_: BenchProcess): BenchProcess {
    this.processes.add(process_);
    void process_.exited.then(() => this.processes.delete(process_));
    return process_;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes].map((process_) => process_.stop(10_000)));
  }
}
