import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidateIf,
} from 'class-validator';
import { NotifyDto } from '../../alerts/dto/notify.dto';
import { paramsShapeProblems } from '../../job-types/params-problems';
import type { FieldProblem } from '../../validation/field-problems';
import { Optional, OptionalNullable } from '../../validation/optional';
import { MAX_JITTER_MS } from '../../schedules/jittered-schedule';
import { IsCronExpression, IsTimeZone } from '../../validation/schedule.validators';
import { IsTagList } from '../../validation/tag';

export const OVERLAP_POLICIES = ['allow', 'forbid'] as const;
export const MISFIRE_POLICIES = ['run_once', 'skip', 'run_all'] as const;
export const DEFAULT_JOB_TYPE = 'log';
export const MAX_CONCURRENCY = 10_000;
export const MAX_CATCH_UP = 1_000;
/** A date and time with its offset: without one, an instant would depend on the server's zone. */
const ONE_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export class CreateJobDto {
  /**
   * Unique name of the job; spaces around it are dropped.
   * @example "Daily Email Notification"
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name: string;

  /** @example "Send daily newsletter to users" */
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  /**
   * Cron expression with 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first);
   * required unless the job is a one-off (runAt).
   * @example "0 9 * * *"
   */
  @ValidateIf((dto: CreateJobDto, value) => value !== undefined || dto.runAt === undefined)
  @IsString()
  @MaxLength(200)
  @IsCronExpression()
  schedule?: string;

  /**
   * A one-off job, instead of a schedule: the ISO-8601 instant (with Z or an offset) it runs at, once
   * (retries included); then it becomes inactive, its history kept. Not earlier than now minus the
   * misfire threshold. @example "2026-12-24T18:00:00Z"
   */
  @Optional()
  @IsString()
  @Matches(ONE_INSTANT, { message: 'must be an ISO-8601 date-time with Z or an offset, such as 2026-12-24T18:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date-time with Z or an offset, such as 2026-12-24T18:00:00Z' })
  runAt?: string;

  /**
   * IANA time zone in which the schedule is read.
   * @example "Europe/Paris"
   */
  @Optional()
  @IsString()
  @IsTimeZone()
  timezone?: string;

  /**
   * Job type, i.e. the strategy that runs it: "log", "http" or "shell".
   * @example "log"
   */
  @Optional()
  @IsString()
  type?: string;

  /**
   * Parameters of the type, validated by it. http: { url, method, headers, body, expectedStatus };
   * log: { message, level }; shell: { command, args, cwd, env }.
   * @example { "message": "hello" }
   */
  @Optional()
  @IsObject()
  params?: Record<string, unknown>;

  /**
   * Labels to find and act on jobs together (`?tag=`, POST /jobs/pause?tag=): at most 20, each 1-64
   * letters, digits or `. _ : / -`. @example ["billing", "team:payments"]
   */
  @Optional()
  @IsTagList()
  tags?: string[];

  /** Inactive jobs keep their definition but are not scheduled. */
  @Optional()
  @IsBoolean()
  isActive?: boolean;

  /** "forbid" records a skipped run instead of starting one while the previous run is still going. */
  @Optional()
  @IsIn(OVERLAP_POLICIES)
  overlapPolicy?: (typeof OVERLAP_POLICIES)[number];

  /**
   * What to do with occurrences missed by more than the misfire threshold: one catch-up run
   * (run_once), none (skip), or each of them, oldest first, up to maxCatchUp (run_all).
   */
  @Optional()
  @IsIn(MISFIRE_POLICIES)
  misfirePolicy?: (typeof MISFIRE_POLICIES)[number];

  /** How many missed occurrences misfirePolicy run_all runs after a misfire, oldest first (1-1000). @example 10 */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_CATCH_UP)
  maxCatchUp?: number;

  /**
   * Up to this many milliseconds of delay after each occurrence (0-3600000), derived from the job's
   * id and the occurrence, never as far as the next occurrence: spreads jobs sharing a schedule.
   * @example 30000
   */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_JITTER_MS)
  jitterMs?: number;

  /** Attempts per occurrence, the first included. @example 3 */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10)
  maxAttempts?: number;

  /** Delay before the first retry; doubled for each further one. @example 1000 */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  retryBackoffMs?: number;

  /** A run still going after this long is aborted and ends timed_out. @example 60000 */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  timeoutMs?: number;

  /**
   * Runs of this job at once, across all instances (1-10000); null, the default, means unlimited with
   * overlapPolicy "allow" and 1 with "forbid", which allows no other value.
   * @example 2
   */
  @OptionalNullable()
  @IsInt()
  @Min(1)
  @Max(MAX_CONCURRENCY)
  maxConcurrency?: number | null;

  /**
   * Alerts: webhooks or e-mail addresses told of the job's failures, recoveries or missed
   * occurrences; null, the default, uses the service's ALERTS_DEFAULT_NOTIFY.
   * @example { "targets": [{ "url": "https://hooks.example.com/scheduler" }], "events": ["failed", "recovered"], "afterConsecutiveFailures": 3 }
   */
  @OptionalNullable()
  @ValidateNested()
  @Type(() => NotifyDto)
  notify?: NotifyDto | null;

  /** The problems of `params` for the type named (log when none is), reported with the other fields'. */
  static companionProblems(body: Record<string, unknown>): FieldProblem[] {
    return paramsShapeProblems(body.type ?? DEFAULT_JOB_TYPE, body.params ?? {});
  }
}
