import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { findFreePort } from '../../src/database/embedded-database';
import { sleep } from './log';

/** A throwaway redis-server on loopback (no persistence), or undefined when none is installed. */
export class BenchRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static available(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  static async start(): Promise<BenchRedis> {
    const port = await findFreePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') {
        return new BenchRedis(child, `redis://127.0.0.1:${port}`);
      }
      await sleep(100);
    }
    child.kill();
    throw new Error('redis-server did not answer');
  }

  stop(): void {
    this.child.kill();
  }
}
