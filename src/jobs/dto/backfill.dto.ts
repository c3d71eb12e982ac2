import { Transform } from 'class-transformer';
import { IsDate, MinDate } from 'class-validator';

const DATE_TIME = { message: 'must be an ISO-8601 date-time such as 2026-03-07T00:00:00Z' };
/** Before the year 1000 the civil-time arithmetic leaves what Date holds (as for the preview). */
const EARLIEST = new Date('1000-01-01T00:00:00Z');

/** Only a string is read as an instant: a number would be taken for epoch milliseconds. */
const toDate = ({ value }: { value: unknown }) => (typeof value === 'string' ? new Date(value) : value);

/** POST /jobs/:id/backfill: the past range whose occurrences to run. */
export class BackfillDto {
  /** The range's start (inclusive), ISO-8601. @example "2026-11-30T00:00:00Z" */
  @Transform(toDate)
  @IsDate(DATE_TIME)
  @MinDate(EARLIEST, { message: 'must be in the year 1000 or later' })
  from: Date;

  /** The range's end (exclusive), later than from and not in the future. @example "2026-12-01T00:00:00Z" */
  @Transform(toDate)
  @IsDate(DATE_TIME)
  to: Date;
}
