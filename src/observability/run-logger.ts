import type { Logger as PinoLogger } from 'pino';

/** The logger a job strategy gets: every line carries the job id and the run id. */
export interface RunLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export function createRunLogger(base: PinoLogger, run: { jobId: number; runId: number; attempt: number }): RunLogger {
  const child = base.child(run);
  return {
    log: (message) => child.info(message),
    warn: (message) => child.warn(message),
    error: (message) => child.error(message),
    debug: (message) => child.debug(message),
  };
}
