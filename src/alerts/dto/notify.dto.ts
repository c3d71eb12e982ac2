import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsIn, IsInt, IsUrl, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Optional } from '../../validation/optional';
import { ALERT_EVENTS, ALERT_FORMATS, type AlertEventName } from '../alert-kinds';

/** Where an alert goes: a webhook (url, and format) or an e-mail address (email). */
export class AlertTargetDto {
  /**
   * A webhook, POSTed to through the outbound policy of http jobs, signed (X-Signature).
   * @example "https://hooks.example.com/scheduler"
   */
  @Optional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url?: string;

  /** A webhook's body: "json" (the default: event, job, run, link) or "slack" (a Slack incoming webhook's { text }). */
  @Optional()
  @IsIn(ALERT_FORMATS)
  format?: (typeof ALERT_FORMATS)[number];

  /** An address to e-mail, through SMTP_URL. @example "ops@example.com" */
  @Optional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

/** Who hears of a job's runs, and of which events. */
export class NotifyDto {
  /** At most 10; an empty list silences the service's default (ALERTS_DEFAULT_NOTIFY). */
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AlertTargetDto)
  targets: AlertTargetDto[];

  /**
   * failed: an occurrence's last attempt failed or timed out; recovered: the first success after an
   * alerted failure; missed: an occurrence skipped by the misfire or overlap policy. Default: failed, recovered.
   * @example ["failed", "recovered"]
   */
  @Optional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ALERT_EVENTS, { each: true })
  events?: AlertEventName[];

  /** "failed" fires once per streak, when this many occurrences in a row have failed (default 1). @example 3 */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  afterConsecutiveFailures?: number;
}
