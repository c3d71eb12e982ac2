import { describe } from '../observability/describe-error';
import type { Logger } from '@nestjs/common';

/**
 * Logs a failing background loop once per outage rather than once per attempt, and says when it
 * works again.
 */
export class OutageLog {
  private failingSince: number | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  failed(error: unknown): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.error(`${this.what} failed; retrying quietly until it works again: ${describe(error)}`);
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    this.logger.log(`${this.what} works again after ${Date.now() - this.failingSince} ms`);
    this.failingSince = undefined;
  }
}
