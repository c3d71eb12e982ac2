import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-database';

const MAIN = resolve(__dirname, '../../dist/main.js');

/** One real process of the built service (dist/main.js, which `npm test` builds first, unless told another build). */
export class ServiceProcess {
  readonly output: string[] = [];
  private exit: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly instanceId: string,
  ) {
    const collect = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exit = once(child, 'exit').then(([code]) => code as number | null);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `startTimeoutMs`: how long it may take to answer /health/live (a loaded machine starting many processes needs more). */
  static async start(environment: Record<string, string>, instanceId: string, main = MAIN, startTimeoutMs = 90_000): Promise<ServiceProcess> {
    const port = await findFreePort();
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...environment, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: instanceId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, port, instanceId);
    await service.waitUntilListening(startTimeoutMs);
    return service;
  }

  private async waitUntilListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.instanceId} exited early:\n${this.output.join('')}`);
      const ok = await fetch(`${this.url}/health/live`).then((response) => response.ok, () => false);
      if (ok) return;
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    throw new Error(`${this.instanceId} did not listen within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exit;
  }
}
