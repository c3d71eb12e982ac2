import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { badRequest } from '../validation/field-problems';
import { canonicalTimezone, nextOccurrences, usesHash } from './cron-schedule';
import type { PreviewScheduleQuery } from './dto/preview-schedule.query';

/** The occurrences of an expression that is not (yet) a job. */
@Injectable()
export class SchedulePreview {
  constructor(private readonly clock: Clock) {}

  occurrences(query: PreviewScheduleQuery): Date[] {
    if (query.seed === undefined && usesHash(query.schedule)) {
      throw badRequest([{ field: 'seed', message: "is required when the schedule uses H: give the job's id, from which H derives its values" }]);
    }
    if (query.seed === undefined && query.jitterMs > 0) {
      throw badRequest([{ field: 'seed', message: "is required with jitterMs: give the job's id, from which each delay derives" }]);
    }
    const timezone = canonicalTimezone(query.timezone) as string;
    return nextOccurrences(query.schedule, timezone, query.from ?? this.clock.now(), query.count, query.seed, query.jitterMs);
  }
}
