/**
 * A brute-force reading of cronie's semantics, written apart from src/schedules so that the engine
 * can be checked against it: it walks wall-clock minutes one by one, tests each against fields it
 * expands itself, and maps a matching wall time to instants by trying every UTC offset the zone
 * shows nearby (read from Intl, hour by hour). Slow and simple on purpose.
 *
 * Covers what the property tests generate: numbers, names, `*`, `?`, ranges, steps, lists, `L`,
 * `5L` and `5#3`; not macros or `H`.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The plain values of field `index` (0 for seconds); the day extensions are read apart. */
function expand(text: string, index: number): Set<number> {
  const field = FIELDS[index];
  const values = new Set<number>();
  const number = (token: string) => (field.names?.includes(token.toUpperCase()) ? field.min + field.names.indexOf(token.toUpperCase()) : Number(token));
  for (const item of text.split(',')) {
    if ((index === 3 && item.toUpperCase() === 'L') || (index === 5 && /^\w+L$|#/i.test(item))) continue;
    const [span, stepText] = item.split('/');
    const step = stepText ? Number(stepText) : 1;
    let [low, high] = [field.min, field.max];
    if (span !== '*' && span !== '?') {
      const [a, b] = span.split('-');
      low = number(a);
      high = b !== undefined ? number(b) : stepText ? field.max : low;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

export class CronOracle {
  private readonly sets: Array<Set<number>>;
  private readonly fixedTime: boolean;
  private readonly either: boolean;
  private readonly lastDay: boolean;
  private readonly lastWeekdays: number[];
  private readonly nth: Array<[number, number]>;
  private readonly format: Intl.DateTimeFormat;
  private readonly localTimes = new Map<number, number>();

  constructor(expression: string, zone: string) {
    const parts = expression.trim().split(/\s+/);
    const fields = parts.length === 5 ? ['0', ...parts] : parts;
    this.sets = fields.map((text, index) => expand(text, index));
    if (this.sets[5].has(7)) this.sets[5].add(0);
    const [second, minute, hour, dom, , dow] = fields;
    this.fixedTime = ![second, minute, hour].some((text) => text.startsWith('*'));
    const star = (text: string) => text.startsWith('*') || text === '?';
    this.either = !star(dom) && !star(dow);
    this.lastDay = dom.split(',').some((item) => item.toUpperCase() === 'L');
    const weekday = (token: string) => expand(token, 5).values().next().value! % 7;
    this.lastWeekdays = dow.split(',').flatMap((item) => (/^(\w+)L$/i.test(item) ? [weekday(item.slice(0, -1))] : []));
    this.nth = dow.split(',').flatMap((item): Array<[number, number]> => {
      const match = /^(\w+)#(\d)$/.exec(item);
      return match ? [[weekday(match[1]), Number(match[2])]] : [];
    });
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The wall-clock time at `instant`, as milliseconds of a UTC calendar. */
  localTime(instant: number): number {
    let wall = this.localTimes.get(instant);
    if (wall === undefined) {
      const parts: Record<string, number> = {};
      for (const part of this.format.formatToParts(instant)) parts[part.type] = Number(part.value);
      wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
      this.localTimes.set(instant, wall);
    }
    return wall;
  }

  /**
   * The first occurrence strictly after `after`, found by walking wall-clock minutes for at most
   * `horizonMs` past it; 'beyond' when there is none that soon.
   */
  next(after: Date, horizonMs: number): Date | 'beyond' {
    const offsets = this.offsetsAround(after.getTime(), after.getTime() + horizonMs);
    const lowest = Math.min(...offsets);
    const highest = Math.max(...offsets);
    let best: number | undefined;
    const firstWall = Math.floor((after.getTime() + lowest) / MINUTE_MS) * MINUTE_MS;
    for (let minute = firstWall; minute <= after.getTime() + horizonMs + highest; minute += MINUTE_MS) {
      if (best !== undefined && minute - highest > best) break;
      if (!this.matchesMinute(minute)) continue;
      for (const second of this.sets[0]) {
        for (const instant of this.instantsOf(minute + second * 1000, offsets)) {
          if (instant > after.getTime() && (best === undefined || instant < best)) best = instant;
        }
      }
    }
    return best === undefined || best > after.getTime() + horizonMs ? 'beyond' : new Date(best);
  }

  private matchesMinute(wall: number): boolean {
    const date = new Date(wall);
    const [minute, hour, day, month, weekday] = [date.getUTCMinutes(), date.getUTCHours(), date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCDay()];
    if (!this.sets[1].has(minute) || !this.sets[2].has(hour) || !this.sets[4].has(month)) return false;
    const length = new Date(Date.UTC(date.getUTCFullYear(), month, 0)).getUTCDate();
    const byDate = this.sets[3].has(day) || (this.lastDay && day === length);
    const byWeekday =
      this.sets[5].has(weekday) ||
      (this.lastWeekdays.includes(weekday) && day > length - 7) ||
      this.nth.some(([nthDay, n]) => nthDay === weekday && day > (n - 1) * 7 && day <= n * 7);
    return this.either ? byDate || byWeekday : byDate && byWeekday;
  }

  /** When a matching wall time runs: every instant showing it (wildcard), the first (fixed-time), or the end of its gap. */
  private instantsOf(wall: number, offsets: number[]): number[] {
    const showing = [...new Set(offsets.map((offset) => wall - offset))].filter((instant) => this.localTime(instant) === wall).sort((a, b) => a - b);
    if (showing.length > 0) return this.fixedTime ? [showing[0]] : showing;
    if (!this.fixedTime) return [];
    // In a gap: the first instant whose wall clock is past `wall`.
    let [low, high] = [wall - Math.max(...offsets), wall - Math.min(...offsets)];
    while (high - low > 1000) {
      const middle = low + Math.floor((high - low) / 2000) * 1000;
      if (this.localTime(middle) > wall) high = middle;
      else low = middle;
    }
    return [high];
  }

  /** Every offset the zone shows, sampled hourly from a day before `from` to a day after `to`. */
  private offsetsAround(from: number, to: number): number[] {
    const offsets = new Set<number>();
    for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS - 24 * HOUR_MS; hour <= to + 24 * HOUR_MS; hour += HOUR_MS) {
      offsets.add(this.localTime(hour) - hour);
    }
    return [...offsets];
  }
}

/** A change of a zone's UTC offset at `at`, from `before` to `after` (milliseconds). */
export interface ZoneChange {
  zone: string;
  at: number;
  before: number;
  after: number;
}

/**
 * Every offset change in [from, to) of every zone the runtime knows that has one: zones whose
 * offset differs between two of their 30-day samples are sampled every 10 days, and each change
 * found is narrowed to the second.
 */
export function zoneChanges(from: Date, to: Date): ZoneChange[] {
  const changes: ZoneChange[] = [];
  const step = 10 * 24 * HOUR_MS;
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const oracle = new CronOracle('* * * * *', zone);
    const offset = (instant: number) => oracle.localTime(instant) - instant;
    const monthly = new Set<number>();
    for (let instant = from.getTime(); instant < to.getTime(); instant += 3 * step) monthly.add(offset(instant));
    if (monthly.size === 1) continue;
    for (let low = from.getTime(); low < to.getTime(); low += step) {
      let [start, end] = [low, Math.min(low + step, to.getTime())];
      const [before, after] = [offset(start), offset(end)];
      if (before === after) continue;
      while (end - start > 1000) {
        const middle = start + Math.floor((end - start) / 2000) * 1000;
        if (offset(middle) === before) start = middle;
        else end = middle;
      }
      changes.push({ zone, at: end, before, after });
    }
  }
  return changes;
}
