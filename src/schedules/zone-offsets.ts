import { civilTime, DAY_MS, LAST_INSTANT_MS, SECOND_MS, wallTime } from './civil-time';

/** A change of a zone's UTC offset: from `at` on, local time is `at + after` instead of `at + before`. */
export interface OffsetChange {
  at: number;
  before: number;
  after: number;
}

const MAX_YEARS = 1_000;
/** What the en-US format below writes: "3/8/2026 AD, 03:00:00". */
const EN_US_DATE_TIME = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

interface YearOfOffsets {
  /** The offset at the first instant of the year (UTC). */
  first: number;
  changes: OffsetChange[];
}

/**
 * A zone's UTC offsets, read from the runtime's time zone data (Intl) one UTC year at a time and
 * kept: the offset at the start of each day, and each change found between two days narrowed to
 * the second. Offsets change at most a few times a year, so the search for an occurrence steps
 * from change to change instead of asking Intl about every candidate time.
 */
export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly years = new Map<number, YearOfOffsets>();

  /** Throws a RangeError for a zone the runtime does not know. */
  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at `instant`, in milliseconds. */
  offsetAt(instant: number): number {
    const year = this.yearOf(instant);
    let offset = year.first;
    for (const change of year.changes) {
      if (change.at > instant) break;
      offset = change.after;
    }
    return offset;
  }

  /** The latest change at or before `instant`, looking back into the previous year at most. */
  changeAtOrBefore(instant: number): OffsetChange | undefined {
    const year = civilTime(instant).year;
    for (const candidate of [year, year - 1]) {
      const changes = this.year(candidate).changes;
      for (let index = changes.length - 1; index >= 0; index -= 1) {
        if (changes[index].at <= instant) return changes[index];
      }
    }
    return undefined;
  }

  /** The first change after `instant` and not after `until`, if any. */
  changeAfter(instant: number, until: number): OffsetChange | undefined {
    const last = Math.min(until, LAST_INSTANT_MS);
    for (let year = civilTime(instant).year; wallTime(year, 1, 1) <= last; year += 1) {
      const change = this.year(year).changes.find((candidate) => candidate.at > instant);
      if (change) return change.at <= last ? change : undefined;
    }
    return undefined;
  }

  private yearOf(instant: number): YearOfOffsets {
    return this.year(civilTime(instant).year);
  }

  private year(year: number): YearOfOffsets {
    let known = this.years.get(year);
    if (!known) {
      // Bounded: previews may ask about any year, and each one read stays small but costs memory.
      if (this.years.size >= MAX_YEARS) this.years.delete(this.years.keys().next().value as number);
      known = this.readYear(year);
      this.years.set(year, known);
    }
    return known;
  }

  private readYear(year: number): YearOfOffsets {
    const start = wallTime(year, 1, 1);
    const end = Math.min(wallTime(year + 1, 1, 1), LAST_INSTANT_MS);
    const first = this.read(start);
    const changes: OffsetChange[] = [];
    let previous = { at: start, offset: first };
    for (let day = start + DAY_MS; previous.at < end; day += DAY_MS) {
      const at = Math.min(day, end);
      const offset = this.read(at);
      if (offset !== previous.offset) changes.push(this.narrow(previous.at, previous.offset, at, offset));
      previous = { at, offset };
    }
    return { first, changes };
  }

  /** The second at which the offset turns from `before` (at `low`) to `after` (at `high`). */
  private narrow(low: number, before: number, high: number, after: number): OffsetChange {
    while (high - low > SECOND_MS) {
      const middle = low + Math.floor((high - low) / 2 / SECOND_MS) * SECOND_MS;
      if (this.read(middle) === before) low = middle;
      else high = middle;
    }
    return { at: high, before, after };
  }

  /** The offset at `instant`, from Intl (format and a pattern: three times faster than formatToParts). */
  private read(instant: number): number {
    const fields = EN_US_DATE_TIME.exec(this.format.format(instant));
    if (!fields) throw new Error(`unexpected Intl date format: ${this.format.format(instant)}`);
    const [, month, day, yearOfEra, era, hour, minute, second] = fields;
    const year = era === 'BC' ? 1 - Number(yearOfEra) : Number(yearOfEra);
    const wall = wallTime(year, Number(month), Number(day), Number(hour), Number(minute), Number(second));
    return wall - Math.floor(instant / SECOND_MS) * SECOND_MS;
  }
}
