import { seedHash } from './seed-hash';

/** What one field of a cron expression may hold. */
export interface FieldSpec {
  /** As messages name it: "day of month". */
  name: string;
  min: number;
  max: number;
  /** Names of the values from `min` on (JAN for 1), matched case-insensitively. */
  names?: readonly string[];
  /** The range a bare `H` picks from, when narrower than the field's (28 days fit every month). */
  hashMax?: number;
  /** The salt that gives each field of a job its own `H` value. */
  hashSalt: number;
}

export const SECOND: FieldSpec = { name: 'second', min: 0, max: 59, hashSalt: 1 };
export const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59, hashSalt: 2 };
export const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23, hashSalt: 3 };
export const DAY_OF_MONTH: FieldSpec = { name: 'day of month', min: 1, max: 31, hashMax: 28, hashSalt: 4 };
export const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  hashSalt: 5,
};
/** 0 and 7 are both Sunday, as in cronie. */
export const DAY_OF_WEEK: FieldSpec = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  hashMax: 6,
  hashSalt: 6,
};

/** A refused expression; the message names the field and says what is wrong. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

/** The values of one field, and the day-of-week extensions `5L` and `5#3`. */
export interface ParsedField {
  values: number[];
  /** The field starts with `*` (or is `?`): unrestricted for the day-of-month/day-of-week OR rule. */
  star: boolean;
  /** The field uses `H`, so its values depend on the seed. */
  hashed: boolean;
  /** `L` in day of month: the last day of the month. */
  lastDay: boolean;
  /** `5L` in day of week: the weekdays whose last occurrence in the month matches. */
  lastWeekdays: number[];
  /** `5#3` in day of week: [weekday, n] for the n-th such weekday of the month. */
  nthWeekdays: Array<[number, number]>;
}

/** Reads one field; `seed` decides what `H` stands for. */
export function parseField(text: string, spec: FieldSpec, seed: number): ParsedField {
  if (text.includes('?') && text !== '?') throw new CronSyntaxError(`${spec.name}: ? must stand alone`);
  if (text === '?' && spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK) {
    throw new CronSyntaxError(`${spec.name}: ? is only allowed in day of month and day of week`);
  }
  const field: ParsedField = {
    values: [],
    star: text.startsWith('*') || text === '?',
    hashed: false,
    lastDay: false,
    lastWeekdays: [],
    nthWeekdays: [],
  };
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronSyntaxError(`${spec.name} has an empty list item in ${text}`);
    if (!readDayExtension(item, spec, field)) {
      for (const value of itemValues(item, spec, seed, field)) values.add(value);
    }
  }
  field.values = [...values].sort((a, b) => a - b);
  return field;
}

/** `L` in day of month, `5L` and `5#3` in day of week; false when `item` is none of them. */
function readDayExtension(item: string, spec: FieldSpec, field: ParsedField): boolean {
  const upper = item.toUpperCase();
  if (spec === DAY_OF_MONTH) {
    if (upper === 'L') return (field.lastDay = true);
    if (upper.includes('W')) throw new CronSyntaxError(`${spec.name}: W (nearest weekday) is not supported`);
    if (upper.includes('L')) throw new CronSyntaxError(`${spec.name}: L must stand alone, as the last day of the month (got ${item})`);
    return false;
  }
  if (spec === DAY_OF_WEEK) {
    const last = /^(.+)L$/.exec(upper);
    if (last) {
      field.lastWeekdays.push(singleWeekday(last[1], spec));
      return true;
    }
    const nth = /^(.+)#(.+)$/.exec(upper);
    if (nth) {
      const n = Number(nth[2]);
      if (!/^[1-5]$/.test(nth[2])) throw new CronSyntaxError(`${spec.name}: the n of ${item} must be 1-5 (got ${nth[2]})`);
      field.nthWeekdays.push([singleWeekday(nth[1], spec), n]);
      return true;
    }
    return false;
  }
  if (/^(L|\d+L|\d+#\d+|\d*W)$/.test(upper)) {
    throw new CronSyntaxError(`${spec.name}: ${item} is not supported (L and # are for the day fields only)`);
  }
  return false;
}

function singleWeekday(text: string, spec: FieldSpec): number {
  return readNumber(text, spec) % 7;
}

const ITEM = /^(\*|H(?:\(([^)]*)\))?|[^/]+?)(?:\/(.*))?$/i;

/** The values of one list item: `*`, `5`, `1-5`, any of them `/step`, or `H`, `H(0-29)`, `H/15`. */
function itemValues(item: string, spec: FieldSpec, seed: number, field: ParsedField): number[] {
  if (item === '?') return range(spec.min, spec.max, 1);
  const match = ITEM.exec(item);
  if (!match) throw new CronSyntaxError(`${spec.name} has invalid characters: ${item}`);
  const [, base, hashRange, stepText] = match;
  const step = stepText === undefined ? undefined : readStep(stepText, spec);
  if (base === '*') return range(spec.min, spec.max, step ?? 1);
  if (/^H(\(.*\))?$/i.test(base)) {
    field.hashed = true;
    return hashedValues(hashRange, step, spec, seed);
  }
  const [low, high] = readRange(base, spec);
  // `5/15` counts from 5 to the end of the field, as in Quartz and most cron libraries.
  return range(low, step !== undefined && high === low && !base.includes('-') ? spec.max : high, step ?? 1);
}

function hashedValues(rangeText: string | undefined, step: number | undefined, spec: FieldSpec, seed: number): number[] {
  if (spec === MONTH) throw new CronSyntaxError(`${spec.name}: H is not supported in the month field`);
  const [low, high] = rangeText === undefined ? [spec.min, spec.hashMax ?? spec.max] : readRange(rangeText, spec);
  const hash = seedHash(seed, spec.hashSalt);
  if (step === undefined) return [low + (hash % (high - low + 1))];
  return range(low + (hash % Math.min(step, high - low + 1)), high, step);
}

function readStep(text: string, spec: FieldSpec): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1) throw new CronSyntaxError(`${spec.name} step must be a whole number from 1 (got ${text})`);
  return Number(text);
}

function readRange(text: string, spec: FieldSpec): [number, number] {
  const parts = text.split('-');
  if (parts.length > 2) throw new CronSyntaxError(`${spec.name} has invalid characters: ${text}`);
  const low = readNumber(parts[0], spec);
  const high = parts.length === 2 ? readNumber(parts[1], spec) : low;
  if (high < low) {
    throw new CronSyntaxError(`${spec.name} range ${text} runs backwards; write ${parts[0]}-${spec.max},${spec.min}-${parts[1]}`);
  }
  return [low, high];
}

function readNumber(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`${spec.name} has invalid characters: ${text}`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) throw new CronSyntaxError(`${spec.name} must be ${spec.min}-${spec.max} (got ${text})`);
  return value;
}

function range(low: number, high: number, step: number): number[] {
  const values: number[] = [];
  for (let value = low; value <= high; value += step) values.push(value);
  return values;
}
