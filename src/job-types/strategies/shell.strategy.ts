import type { OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type ChildProcess, spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { ProcessGroup } from './process-group';
import type { Environment } from '../../config/environment';
import { JobType } from '../job-type.decorator';
import { ShellParams } from './shell.params';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';
import { truncate } from '../output';

/** Output kept of a command, stdout and stderr together, before it is truncated for the run. */
const MAX_OUTPUT_CHARS = 64 * 1024;

/**
 * Runs a program without a shell; refused unless SHELL_JOBS_ENABLED=true, when a job is saved and
 * when it runs. The program gets PATH, HOME and LANG and the job's own env, nothing of the
 * service's environment, and leads a process group of its own: a timeout, a shutdown, or the
 * program's own end terminates the whole group (SIGTERM, then SIGKILL after the grace).
 */
@JobType('shell', ShellParams)
export class ShellStrategy implements JobStrategy<ShellParams>, OnApplicationShutdown {
  private readonly groups = new Set<ProcessGroup>();
  private readonly killGraceMs: number;
  private readonly baseEnvironment: Record<string, string>;

  constructor(private readonly config: ConfigService<Environment, true>) {
    this.killGraceMs = config.get('SHELL_JOB_KILL_GRACE_MS', { infer: true });
    this.baseEnvironment = { PATH: config.get('SHELL_JOBS_PATH', { infer: true }), HOME: serviceUserHome(), LANG: 'C.UTF-8' };
  }

  availabilityProblem(): string | undefined {
    return this.config.get('SHELL_JOBS_ENABLED', { infer: true })
      ? undefined
      : 'shell jobs are disabled on this service; an operator can enable them with SHELL_JOBS_ENABLED=true';
  }

  async execute({ params, signal }: JobExecutionContext<ShellParams>): Promise<string> {
    const unavailable = this.availabilityProblem();
    if (unavailable) throw new Error(`not run: ${unavailable}`);
    signal.throwIfAborted();
    const child = spawn(params.command, params.args, {
      cwd: params.cwd,
      env: { ...this.baseEnvironment, ...params.env },
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const group = child.pid === undefined ? undefined : new ProcessGroup(child.pid);
    if (group) this.groups.add(group);
    const end = () => void group?.end(this.killGraceMs).then(() => this.groups.delete(group));
    signal.addEventListener('abort', end, { once: true });
    // Whatever the program left running in its group goes with it, also when that holds its output open.
    child.once('exit', end);
    try {
      return await outcomeOf(child, params.command);
    } finally {
      signal.removeEventListener('abort', end);
    }
  }

  /** Ends the groups of runs still going (the scheduler has aborted them by now) and waits until they are gone. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.groups].map((group) => group.end(this.killGraceMs)));
  }
}

/** What the program printed, bounded, once its output closes: the run's output, or the error of a failure. */
function outcomeOf(child: ChildProcess, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT_CHARS) output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      const text = truncate(output.trim());
      if (code === 0) resolve(text);
      else reject(new Error(`${command} exited with ${killedBy ? `signal ${killedBy}` : `code ${code}`}: ${text}`));
    });
  });
}

/** The home folder of the user the service runs as, from the system's user database rather than the environment. */
function serviceUserHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return '/';
  }
}
