import { civilTime, LAST_INSTANT_MS, SECOND_MS, wallTime } from './civil-time';
import { CronSyntaxError } from './cron-field';
import { parseCronExpression } from './cron-expression';
import { JitteredSchedule, type Occurrences } from './jittered-schedule';
import { WallClockSearch } from './wall-clock-search';
import { ZoneOffsets } from './zone-offsets';

/**
 * The next occurrence of a schedule could not be computed: the stored expression or time zone is
 * no longer one the engine reads, `H` has no seed, or the search failed. Unlike "no future
 * occurrence" (null), this is a fault to log, count and show on the job.
 */
export class UncomputableOccurrence extends Error {
  override readonly name = 'UncomputableOccurrence';
}

/** Every date falls on every weekday within one 400-year Gregorian cycle: no search goes further. */
const SEARCH_YEARS = 400;
const MAX_SEGMENTS = 10_000;

const zones = new Map<string, ZoneOffsets>();

function zoneOffsets(zone: string): ZoneOffsets {
  let offsets = zones.get(zone);
  if (!offsets) {
    try {
      offsets = new ZoneOffsets(zone);
    } catch {
      throw new UncomputableOccurrence(`unknown time zone '${zone}'`);
    }
    zones.set(zone, offsets);
  }
  return offsets;
}

/**
 * A cron expression in a time zone. The occurrences are a fixed set of instants, defined by the
 * expression, the zone and cronie's daylight-saving rules alone, so `next` needs nothing but its
 * argument: the scheduler, computing each next run from the one just claimed, and the preview,
 * chaining `next`, see the same instants, wherever they start.
 *
 * The search walks the zone's stretches of constant UTC offset. In each, local time is UTC plus
 * the offset, and the expression's first matching wall time is found on that plain calendar.
 * Fixed-time schedules (no `*` at the start of the second, minute or hour field) add cronie's
 * rules at each change: a matching time inside a gap (spring forward) runs once, at the first
 * instant after it; the wall times repeated after a fall-back were already offered in the first
 * pass and are skipped.
 */
export class CronSchedule implements Occurrences {
  private readonly search: WallClockSearch;
  private readonly fixedTime: boolean;
  private readonly offsets: ZoneOffsets;

  /** Throws UncomputableOccurrence for an expression or zone it cannot read. */
  constructor(expression: string, timezone: string, seed?: number) {
    let parsed;
    try {
      parsed = parseCronExpression(expression, seed ?? 0);
    } catch (error) {
      if (error instanceof CronSyntaxError) throw new UncomputableOccurrence(`cannot read '${expression}': ${error.message}`);
      throw error;
    }
    if (parsed.hashed && seed === undefined) throw new UncomputableOccurrence(`'${expression}' uses H, which needs a seed (the job's id)`);
    this.search = new WallClockSearch(parsed);
    this.fixedTime = parsed.fixedTime;
    this.offsets = zoneOffsets(timezone);
  }

  /** The first occurrence strictly after `after`; null when none comes before the end of representable time. */
  next(after: Date): Date | null {
    let from = Math.floor(after.getTime() / SECOND_MS) * SECOND_MS + SECOND_MS;
    if (Number.isNaN(from)) throw new UncomputableOccurrence('the start of the search is not a valid date');
    const endYear = civilTime(from).year + SEARCH_YEARS;
    for (let segment = 0; segment < MAX_SEGMENTS && from <= LAST_INSTANT_MS; segment += 1) {
      const offset = this.offsets.offsetAt(from);
      const previous = this.offsets.changeAtOrBefore(from);
      let lowestWall = from + offset;
      if (this.fixedTime && previous) {
        if (previous.at === from && previous.after > previous.before) {
          const inGap = this.search.firstAtOrAfter(from + previous.before, endYear);
          if (inGap !== null && inGap < from + previous.after) return new Date(from);
        }
        // After a fall-back, the wall times up to the one the clock was turned back from ran in the first pass.
        lowestWall = Math.max(lowestWall, previous.at + previous.before);
      }
      const wall = this.search.firstAtOrAfter(lowestWall, endYear);
      const candidate = wall === null ? null : wall - offset;
      const change = this.offsets.changeAfter(from, candidate ?? wallTime(endYear, 1, 1));
      if (candidate !== null && (!change || candidate < change.at)) return candidate <= LAST_INSTANT_MS ? new Date(candidate) : null;
      if (!change) {
        if (wallTime(endYear, 1, 1) > LAST_INSTANT_MS) return null;
        throw new UncomputableOccurrence(`no occurrence within ${SEARCH_YEARS} years of ${after.toISOString()}`);
      }
      from = change.at;
    }
    if (from > LAST_INSTANT_MS) return null;
    throw new UncomputableOccurrence(`no occurrence found across ${MAX_SEGMENTS} offset changes after ${after.toISOString()}`);
  }
}

/** Why `expression` is not a cron expression this service accepts, or undefined when it is one. */
export function cronExpressionProblem(expression: string, options: { hash: boolean } = { hash: true }): string | undefined {
  try {
    const parsed = parseCronExpression(expression);
    if (parsed.hashed && !options.hash) return 'H is not supported here: it needs a job to derive its value from';
    return undefined;
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.message;
    throw error;
  }
}

/** Whether `expression` uses `H`, so that its occurrences depend on a seed. */
export function usesHash(expression: string): boolean {
  try {
    return parseCronExpression(expression).hashed;
  } catch {
    return false;
  }
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
 * The occurrences of a job's schedule: the expression's, each delayed by its jitter when `jitterMs`
 * is above 0. `seed` (the job's id) decides what `H` stands for and each delay. Throws
 * UncomputableOccurrence.
 */
export function compileSchedule(expression: string, timezone: string, seed?: number, jitterMs = 0): Occurrences {
  const schedule = new CronSchedule(expression, timezone, seed);
  if (jitterMs === 0) return schedule;
  if (seed === undefined) throw new UncomputableOccurrence("jitter needs a seed (the job's id)");
  return new JitteredSchedule(schedule, seed, jitterMs);
}

/**
 * The next `count` occurrences strictly after `after`, in the wall-clock time of `timezone`: the
 * chain of `nextOccurrence`, each computed from the one before, fewer only at the end of time.
 * Throws UncomputableOccurrence.
 */
export function nextOccurrences(expression: string, timezone: string, after: Date, count: number, seed?: number, jitterMs = 0): Date[] {
  const schedule = compileSchedule(expression, timezone, seed, jitterMs);
  const occurrences: Date[] = [];
  for (let previous: Date | null = after; occurrences.length < count; ) {
    previous = schedule.next(previous);
    if (!previous) break;
    occurrences.push(previous);
  }
  return occurrences;
}

/** The first occurrence strictly after `after`, or null when there is none. Throws UncomputableOccurrence. */
export function nextOccurrence(expression: string, timezone: string, after: Date, seed?: number, jitterMs = 0): Date | null {
  return compileSchedule(expression, timezone, seed, jitterMs).next(after);
}
