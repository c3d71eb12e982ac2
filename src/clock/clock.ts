import { Injectable } from '@nestjs/common';

/** The instance's idea of now; tests replace it to move time without sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
