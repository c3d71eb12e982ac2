/**
 * Proleptic Gregorian calendar arithmetic on wall-clock times written as milliseconds, as if the
 * wall clock were UTC. Unlike Date.UTC it never clips: wall times a few hours past the last
 * instant a Date can hold still have a value, so a search can run up to the end of time and stop
 * there cleanly.
 */

// A module binding rather than a global lookup on every call: under Jest, test code runs in a vm
// context where reading a global such as Math goes through an interceptor, which made this
// arithmetic thirty times slower there than in the service.
const { floor } = Math;

export const SECOND_MS = 1_000;
export const DAY_MS = 86_400_000;

/** The last instant a JavaScript Date can represent: +275760-09-13T00:00:00Z. */
export const LAST_INSTANT_MS = 8.64e15;

export interface CivilTime {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Days from 1970-01-01 to year-month-day (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floor(yearOfEra / 4) - floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function wallTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * SECOND_MS;
}

/** The calendar fields of a wall time, to the second (H. Hinnant's civil_from_days). */
export function civilTime(wall: number): CivilTime {
  const days = floor(wall / DAY_MS);
  const secondOfDay = floor((wall - days * DAY_MS) / SECOND_MS);
  const z = days + 719_468;
  const era = floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = floor((dayOfEra - floor(dayOfEra / 1460) + floor(dayOfEra / 36_524) - floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + floor(yearOfEra / 4) - floor(yearOfEra / 100));
  const shiftedMonth = floor((5 * dayOfYear + 2) / 153);
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - floor((153 * shiftedMonth + 2) / 5) + 1,
    hour: floor(secondOfDay / 3600),
    minute: floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
  };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** 0 for Sunday to 6 for Saturday. */
export function weekday(year: number, month: number, day: number): number {
  return (((daysFromCivil(year, month, day) + 4) % 7) + 7) % 7;
}
