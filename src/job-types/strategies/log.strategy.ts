import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { JobType } from '../job-type.decorator';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';

export class LogParams {
  /** The line to write; defaults to the job's name. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;

  @IsOptional()
  @IsIn(['log', 'warn', 'debug'])
  level: 'log' | 'warn' | 'debug' = 'log';
}

/** Writes one structured log line: for demos, smoke tests and heartbeats. */
@JobType('log', LogParams)
export class LogStrategy implements JobStrategy<LogParams> {

  async execute({ job, run, params, logger }: JobExecutionContext<LogParams>): Promise<string> {
    const message = params.message ?? job.name;
    logger[params.level](`${message} (job ${job.id}, run ${run.id}, scheduled for ${run.scheduledFor.toISOString()})`);
    return message;
  }
}
