import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-database';

const MAIN = resolve(__dirname, '../../dist/main.js');
const PORT_ATTEMPTS = 3;

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
    // A free port can be taken by another test's server before this process binds it: then try another.
    for (let attempt = 1; ; attempt += 1) {
      const port = await findFreePort();
      const child = spawn(process.execPath, [main], {
        env: { ...process.env, LOG_LEVEL: 'warn', ...environment, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: instanceId },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const service = new ServiceProcess(child, port, instanceId);
      try {
        await service.waitUntilListening(startTimeoutMs);
        return service;
      } catch (error) {
        if (attempt === PORT_ATTEMPTS || !service.output.join('').includes('EADDRINUSE')) throw error;
      }
    }
  }

  private async waitUntilListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.instanceId} exited early:\n${this.output.join('')}`);
      // The service's own answer, not another server's that holds the port.
      const ok = await fetch(`${this.url}/health/live`).then(
        async (response) => response.ok && ((await response.json().catch(() => ({}))) as { status?: unknown }).status === 'ok',
        () => false,
      );
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
