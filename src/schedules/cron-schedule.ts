import { CronExpressionParser } from 'cron-parser';

const FIVE_FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const SIX_FIELDS = ['second', ...FIVE_FIELDS];

/** Why `expression` is not a cron expression this service accepts, or undefined when it is one. */
export function cronExpressionProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC', strict: false });
    return undefined;
  } catch (error) {
    return explainCronError(fields, error instanceof Error ? error.message : String(error));
  }
}

/** cron-parser does not say which field is wrong, so each field is tried alone to find it. */
function explainCronError(fields: string[], parserMessage: string): string {
  const names = fields.length === 6 ? SIX_FIELDS : FIVE_FIELDS;
  for (let index = 0; index < fields.length; index += 1) {
    const probe = fields.map((field, other) => (other === index ? field : '*')).join(' ');
    try {
      CronExpressionParser.parse(probe, { tz: 'UTC' });
    } catch (error) {
      return `${names[index]} ${describeFieldError(error instanceof Error ? error.message : String(error))}`;
    }
  }
  return parserMessage.charAt(0).toLowerCase() + parserMessage.slice(1);
}

function describeFieldError(message: string): string {
  const range = /got value (\S+) expected range (\d+)-(\d+)/.exec(message);
  if (range) return `must be ${range[2]}-${range[3]} (got ${range[1]})`;
  const characters = /Invalid characters, got value: (.*)$/.exec(message);
  if (characters) return `has invalid characters: ${characters[1]}`;
  return `is invalid: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

/** The runtime's zone names by lower case, to restore the usual spelling of "europe/paris". */
const ZONES_BY_LOWER_CASE = new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));

/**
 * The name to store for `timezone`, or undefined when the runtime does not know it. The name is
 * kept as given (only its letter case is corrected), because the runtime would turn current IANA
 * names into legacy links (Asia/Kolkata into Asia/Calcutta).
 */
export function canonicalTimezone(timezone: string): string | undefined {
  if (timezone.trim() === '' || timezone !== timezone.trim()) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return undefined;
  }
  return ZONES_BY_LOWER_CASE.get(timezone.toLowerCase()) ?? timezone;
}

/**
 * The next `count` occurrences strictly after `after`, in the wall-clock time of `timezone`
 * (daylight-saving gaps and overlaps as cron-parser resolves them).
 */
export function nextOccurrences(expression: string, timezone: string, after: Date, count: number): Date[] {
  const iterator = CronExpressionParser.parse(expression.trim(), { tz: timezone, currentDate: after });
  const occurrences: Date[] = [];
  for (let index = 0; index < count && iterator.hasNext(); index += 1) {
    occurrences.push(iterator.next().toDate());
  }
  return occurrences;
}

/** The first occurrence strictly after `after`, or null when the expression never fires again. */
export function nextOccurrence(expression: string, timezone: string, after: Date): Date | null {
  return nextOccurrences(expression, timezone, after, 1)[0] ?? null;
}
