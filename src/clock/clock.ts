import { Injectable } from '@nestjs/common';

/** The instance's idea of now; tests replace it to move time without sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /**
   * The `now` the scheduler's statements take (`coalesce($now, now())`): null, so that the database
   * clock decides what is due and stamps runs, whatever this instance's clock says; a test clock
   * returns its own instant, and the SQL follows it.
   */
  sqlNow(): Date | null {
    return null;
  }
}
