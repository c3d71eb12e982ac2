import { civilTime, daysInMonth, wallTime, weekday } from './civil-time';
import type { CronExpression } from './cron-expression';

/** For each value up to `size`, the smallest allowed value at or above it, or -1; -1 past the end too. */
function nextAllowed(values: number[], size: number): Int8Array {
  const table = new Int8Array(size + 2).fill(-1);
  for (let value = size, next = -1; value >= 0; value -= 1) {
    if (values.includes(value)) next = value;
    table[value] = next;
  }
  return table;
}

/**
 * Finds the wall-clock times an expression matches, on a calendar without time zones: the wall
 * clock of one UTC offset. Time zones are the caller's business (see CronSchedule).
 */
export class WallClockSearch {
  private readonly seconds: Int8Array;
  private readonly minutes: Int8Array;
  private readonly hours: Int8Array;
  private readonly months: Int8Array;
  private readonly daysOfMonth: boolean[];
  private readonly daysOfWeek: boolean[];
  private readonly lastWeekdays: boolean[];

  constructor(private readonly expression: CronExpression) {
    this.seconds = nextAllowed(expression.seconds, 59);
    this.minutes = nextAllowed(expression.minutes, 59);
    this.hours = nextAllowed(expression.hours, 23);
    this.months = nextAllowed(expression.months, 12);
    this.daysOfMonth = Array.from({ length: 32 }, (_, day) => expression.daysOfMonth.includes(day));
    this.daysOfWeek = Array.from({ length: 7 }, (_, day) => expression.daysOfWeek.includes(day));
    this.lastWeekdays = Array.from({ length: 7 }, (_, day) => expression.lastWeekdays.includes(day));
  }

  /** The first matching wall time at or after `wall` (whole seconds), or null if none comes before `endYear`. */
  firstAtOrAfter(wall: number, endYear: number): number | null {
    let { year, month, day, hour, minute, second } = civilTime(wall);
    for (;;) {
      if (year >= endYear) return null;
      const nextMonth = this.months[month];
      if (nextMonth < 0) {
        [year, month, day, hour, minute, second] = [year + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (nextMonth !== month) [month, day, hour, minute, second] = [nextMonth, 1, 0, 0, 0];
      const nextDay = this.dayAtOrAfter(year, month, day);
      if (nextDay < 0) {
        [month, day, hour, minute, second] = [month + 1, 1, 0, 0, 0];
        continue;
      }
      if (nextDay !== day) [day, hour, minute, second] = [nextDay, 0, 0, 0];
      const nextHour = this.hours[hour];
      if (nextHour < 0) {
        [day, hour, minute, second] = [day + 1, 0, 0, 0];
        continue;
      }
      if (nextHour !== hour) [hour, minute, second] = [nextHour, 0, 0];
      const nextMinute = this.minutes[minute];
      if (nextMinute < 0) {
        [hour, minute, second] = [hour + 1, 0, 0];
        continue;
      }
      if (nextMinute !== minute) [minute, second] = [nextMinute, 0];
      const nextSecond = this.seconds[second];
      if (nextSecond < 0) {
        [minute, second] = [minute + 1, 0];
        continue;
      }
      return wallTime(year, month, day, hour, minute, nextSecond);
    }
  }

  /** The first matching day of the month at or after `day`, or -1 (also for a `day` past the month's end). */
  private dayAtOrAfter(year: number, month: number, day: number): number {
    const length = daysInMonth(year, month);
    if (day > length) return -1;
    let dayOfWeek = weekday(year, month, day);
    for (let candidate = day; candidate <= length; candidate += 1) {
      if (this.matchesDay(candidate, dayOfWeek, length)) return candidate;
      dayOfWeek = dayOfWeek === 6 ? 0 : dayOfWeek + 1;
    }
    return -1;
  }

  /** Whether the day fields match day `day` (weekday `dayOfWeek`) of a month `monthLength` days long. */
  matchesDay(day: number, dayOfWeek: number, monthLength: number): boolean {
    const { lastDayOfMonth, nthWeekdays, daysCombineByOr } = this.expression;
    const byDate = this.daysOfMonth[day] || (lastDayOfMonth && day === monthLength);
    const byWeekday =
      this.daysOfWeek[dayOfWeek] ||
      (this.lastWeekdays[dayOfWeek] && day + 7 > monthLength) ||
      nthWeekdays.some(([nthDay, n]) => nthDay === dayOfWeek && Math.ceil(day / 7) === n);
    return daysCombineByOr ? byDate || byWeekday : byDate && byWeekday;
  }
}
