import type { Logger as PinoLogger } from 'pino';

/** The logger a job strategy gets: every line carries the job id and the run id. */
export interface RunLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/**
 * The child logger is made on the first line actually written: most runs write none at the
 * configured level, and a child per run was a measurable share of the scheduler's CPU and garbage
 * at thousands of runs per second.
 */
export function createRunLogger(base: PinoLogger, run: { jobId: number; runId: number; attempt: number }): RunLogger {
  let child: PinoLogger | undefined;
  const logger = () => (child ??= base.child(run));
  return {
    log: (message) => base.isLevelEnabled('info') && logger().info(message),
    warn: (message) => base.isLevelEnabled('warn') && logger().warn(message),
    error: (message) => base.isLevelEnabled('error') && logger().error(message),
    debug: (message) => base.isLevelEnabled('debug') && logger().debug(message),
  };
}
