import { ConfigService } from '@nestjs/config';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { spawn } from 'node:child_process';
import type { Environment } from '../../config/environment';
import { JobType } from '../job-type.decorator';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';
import { truncate } from '../output';
import { IsStringRecord } from './is-string-record';

export class ShellParams {
  /** The program to run, found on PATH; no shell is involved. @example "/usr/bin/pg_dump" */
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  command: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  args: string[] = [];

  @IsOptional()
  @IsString()
  cwd?: string;

  /** Added to the service's environment for this command. */
  @IsOptional()
  @IsObject()
  @IsStringRecord()
  env: Record<string, string> = {};
}

/** Runs a program without a shell; refused unless SHELL_JOBS_ENABLED=true. */
@JobType('shell')
export class ShellStrategy implements JobStrategy<ShellParams> {
  readonly paramsClass = ShellParams;

  constructor(private readonly config: ConfigService<Environment, true>) {}

  availabilityProblem(): string | undefined {
    return this.config.get('SHELL_JOBS_ENABLED', { infer: true })
      ? undefined
      : 'shell jobs are disabled on this service; an operator can enable them with SHELL_JOBS_ENABLED=true';
  }

  execute({ params, signal }: JobExecutionContext<ShellParams>): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(params.command, params.args, {
        cwd: params.cwd,
        env: { ...process.env, ...params.env },
        shell: false,
        signal,
        killSignal: 'SIGKILL',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const collect = (chunk: Buffer) => {
        if (output.length < 64 * 1024) output += chunk.toString();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('close', (code, killedBy) => {
        const text = truncate(output.trim());
        if (code === 0) resolve(text);
        else reject(new Error(`${params.command} exited with ${killedBy ? `signal ${killedBy}` : `code ${code}`}: ${text}`));
      });
    });
  }
}
