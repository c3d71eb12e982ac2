import { Injectable } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';

type CronExpression = ReturnType<typeof CronExpressionParser.parse>;

const MAX_EXPRESSIONS = 5_000;
const MAX_ANSWERS = 20_000;

/** Drops the oldest entry of a Map used as a bounded cache. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V, max: number): V {
  if (cache.size >= max) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}

/**
 * Next occurrences for the claim path. Parsing an expression and stepping it in a named time zone
 * costs tens of microseconds, which would cap dispatch at a few thousand jobs per second per core;
 * but many jobs share an expression and time zone and fall due together, so both the parsed
 * expressions and the answers are cached.
 */
@Injectable()
export class NextRunCalculator {
  private readonly expressions = new Map<string, CronExpression>();
  private readonly answers = new Map<string, Date | null>();

  readonly next = (schedule: string, timezone: string, after: Date): Date | null => {
    const key = `${timezone}\u0000${schedule}`;
    const answerKey = `${key}\u0000${after.getTime()}`;
    const known = this.answers.get(answerKey);
    if (known !== undefined) return known;
    const expression =
      this.expressions.get(key) ??
      remember(this.expressions, key, CronExpressionParser.parse(schedule, { tz: timezone, currentDate: after }), MAX_EXPRESSIONS);
    expression.reset(after);
    const next = expression.hasNext() ? expression.next().toDate() : null;
    return remember(this.answers, answerKey, next, MAX_ANSWERS);
  };
}
