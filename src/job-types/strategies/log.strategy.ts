import { JobType } from '../job-type.decorator';
import { LogParams } from './log.params';
import type { JobExecutionContext, JobStrategy } from '../job-strategy';

/** Writes one structured log line: for demos, smoke tests and heartbeats. */
@JobType('log', LogParams)
export class LogStrategy implements JobStrategy<LogParams> {

  async execute({ job, run, params, logger }: JobExecutionContext<LogParams>): Promise<string> {
    const message = params.message ?? job.name;
    logger[params.level](`${message} (job ${job.id}, run ${run.id}, scheduled for ${run.scheduledFor.toISOString()})`);
    return message;
  }
}
