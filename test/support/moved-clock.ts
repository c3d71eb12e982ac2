import { Clock } from '../../src/clock/clock';

/**
 * A clock a test moves instead of sleeping: real time plus an offset, which `advance` grows. The
 * scheduler's statements take it as their `now` (see Clock.sqlNow), so moving it makes leases
 * expire, retries and occurrences fall due, for the API, the claim, the executor and readiness alike.
 */
export class MovedClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  sqlNow(): Date {
    return this.now();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
