import { WallClockSearch } from './wall-clock-search';
import { CronSyntaxError, DAY_OF_MONTH, DAY_OF_WEEK, HOUR, MINUTE, MONTH, type ParsedField, parseField, SECOND } from './cron-field';

/** A cron expression read with cronie's rules, its `H` fields resolved for one seed. */
export interface CronExpression {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 for Sunday to 6 for Saturday (7 is folded into 0). */
  daysOfWeek: number[];
  lastDayOfMonth: boolean;
  lastWeekdays: number[];
  nthWeekdays: Array<[number, number]>;
  /** Both day fields restricted (neither starts with `*`): a day matches if either matches. */
  daysCombineByOr: boolean;
  /**
   * Neither the second, the minute nor the hour field starts with `*`: a time in a daylight-saving
   * gap runs at the end of the gap, a repeated time in its first pass only. Otherwise the job is a
   * wildcard job and follows the clock: nothing in a gap, both passes of a repeated interval.
   */
  fixedTime: boolean;
  /** Some field uses `H`, so the expression depends on the seed. */
  hashed: boolean;
}

export const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** The longest each month can be: February has a 29th in leap years. */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The fields of `expression`: 5, or 6 with seconds first, after expanding a macro. */
export function cronFields(expression: string): string[] {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (macro) return macro.split(' ');
    if (trimmed.toLowerCase() === '@reboot') {
      throw new CronSyntaxError('@reboot is not supported: a job runs on its schedule, not when an instance starts');
    }
    throw new CronSyntaxError(`unknown macro ${trimmed}; known: ${Object.keys(MACROS).join(', ')}`);
  }
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronSyntaxError(`expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${fields.length}`);
  }
  return fields;
}

/** Reads `expression`, or throws a CronSyntaxError saying what is wrong with it. */
export function parseCronExpression(expression: string, seed = 0): CronExpression {
  const fields = cronFields(expression);
  const [secondText, minuteText, hourText, domText, monthText, dowText] = fields.length === 6 ? fields : ['0', ...fields];
  const second = parseField(secondText, SECOND, seed);
  const minute = parseField(minuteText, MINUTE, seed);
  const hour = parseField(hourText, HOUR, seed);
  const dom = parseField(domText, DAY_OF_MONTH, seed);
  const month = parseField(monthText, MONTH, seed);
  const dow = parseField(dowText, DAY_OF_WEEK, seed);
  const expressionFields = [second, minute, hour, dom, month, dow];
  const parsed: CronExpression = {
    seconds: second.values,
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: dom.values,
    months: month.values,
    daysOfWeek: [...new Set(dow.values.map((day) => day % 7))].sort((a, b) => a - b),
    lastDayOfMonth: dom.lastDay,
    lastWeekdays: dow.lastWeekdays,
    nthWeekdays: dow.nthWeekdays,
    daysCombineByOr: !dom.star && !dow.star,
    fixedTime: !second.star && !minute.star && !hour.star,
    hashed: expressionFields.some((field) => field.hashed),
  };
  const impossible = impossibleDate(parsed, dom, domText) ?? impossibleDayCombination(parsed, domText, dowText);
  if (impossible) throw new CronSyntaxError(impossible);
  return parsed;
}

/** Why no date ever matches because of day of month alone, when that is so. */
function impossibleDate(expression: CronExpression, dom: ParsedField, domText: string): string | undefined {
  if (dom.star || expression.daysCombineByOr || dom.lastDay) return undefined;
  const fits = expression.months.some((month) => expression.daysOfMonth.some((day) => day <= LONGEST_MONTH[month - 1]));
  if (fits) return undefined;
  const months = expression.months.map((month) => MONTH_NAMES[month - 1]).join(', ');
  return `day of month ${domText} never occurs in ${months}`;
}

/** The lengths each month has in some year: February 28 or 29 days. */
const MONTH_LENGTHS = LONGEST_MONTH.map((longest) => (longest === 29 ? [28, 29] : [longest]));

/**
 * Why no date ever matches because day of month and day of week, combined by AND (one of them
 * starts with `*`), never fall on the same day: `*\/14 * 1#2` asks for the 1st, 15th or 29th that is
 * the second Monday. Within the 400-year Gregorian cycle every month begins on every weekday in
 * both common and leap years, so trying each month, length and first weekday decides it.
 */
function impossibleDayCombination(expression: CronExpression, domText: string, dowText: string): string | undefined {
  const search = new WallClockSearch(expression);
  const matches = expression.months.some((month) =>
    MONTH_LENGTHS[month - 1].some((length) =>
      [0, 1, 2, 3, 4, 5, 6].some((firstWeekday) =>
        Array.from({ length }, (_, index) => index + 1).some((day) => search.matchesDay(day, (firstWeekday + day - 1) % 7, length)),
      ),
    ),
  );
  return matches ? undefined : `day of month ${domText} and day of week ${dowText} never fall on the same day`;
}
