import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { paramsShapeProblems } from '../../job-types/params-problems';
import type { FieldProblem } from '../../validation/field-problems';
import { Optional, OptionalNullable } from '../../validation/optional';
import { IsCronExpression, IsTimeZone } from '../../validation/schedule.validators';
import { IsTagList } from '../../validation/tag';

export const OVERLAP_POLICIES = ['allow', 'forbid'] as const;
export const MISFIRE_POLICIES = ['run_once', 'skip'] as const;
export const DEFAULT_JOB_TYPE = 'log';
export const MAX_CONCURRENCY = 10_000;

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
   * Cron expression with 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first).
   * @example "0 9 * * *"
   */
  @IsString()
  @MaxLength(200)
  @IsCronExpression()
  schedule: string;

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

  /** What to do with occurrences missed by more than the misfire threshold: one catch-up run, or none. */
  @Optional()
  @IsIn(MISFIRE_POLICIES)
  misfirePolicy?: (typeof MISFIRE_POLICIES)[number];

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

  /** The problems of `params` for the type named (log when none is), reported with the other fields'. */
  static companionProblems(body: Record<string, unknown>): FieldProblem[] {
    return paramsShapeProblems(body.type ?? DEFAULT_JOB_TYPE, body.params ?? {});
  }
}
