import { redactSecrets } from '../security/redact-secrets';

/** One changed field of a job: `before` is absent for a created job, `after` for a deleted one. */
export interface ChangedField {
  /** A dotted path: `schedule`, `params.url`, `params.headers.Authorization`. */
  field: string;
  before?: unknown;
  after?: unknown;
}

/** The fields a person sets; computed ones (nextRun, lastRun, updatedAt…) are not changes anyone made. */
export const AUDITED_FIELDS = [
  'name',
  'description',
  'schedule',
  'runAt',
  'timezone',
  'type',
  'params',
  'tags',
  'isActive',
  'overlapPolicy',
  'misfirePolicy',
  'maxAttempts',
  'retryBackoffMs',
  'timeoutMs',
  'maxConcurrency',
  'notify',
  'jitterMs',
  'maxCatchUp',
] as const;

type Snapshot = Partial<Record<(typeof AUDITED_FIELDS)[number], unknown>>;

/**
 * The fields that differ between two versions of a job (null for "none": a created or deleted
 * job), as paths into nested objects such as `params`, with values taken from the redacted
 * versions: a changed secret shows as a change from "[redacted]" to "[redacted]", never its value.
 */
export function fieldDiff(before: Snapshot | null, after: Snapshot | null): ChangedField[] {
  const raw = { before: audited(before), after: audited(after) };
  const shown = { before: redactSecrets(raw.before), after: redactSecrets(raw.after) };
  const leaves = { before: flatten(raw.before), after: flatten(raw.after) };
  const paths = new Map([...leaves.before, ...leaves.after].map(([id, leaf]) => [id, leaf.keys]));
  return [...paths]
    .filter(([id]) => !sameValue(leaves.before.get(id)?.value, leaves.after.get(id)?.value))
    .map(([id, keys]) => {
      const change: ChangedField = { field: keys.join('.') };
      if (leaves.before.has(id)) change.before = valueAt(shown.before, keys);
      if (leaves.after.has(id)) change.after = valueAt(shown.after, keys);
      return change;
    });
}

function audited(job: Snapshot | null): Record<string, unknown> {
  if (job === null) return {};
  return Object.fromEntries(AUDITED_FIELDS.filter((field) => job[field] !== undefined).map((field) => [field, job[field]]));
}

interface Leaf {
  keys: string[];
  value: unknown;
}

/** Every leaf by its path (as JSON, since a key may hold a dot); arrays and empty objects are leaves, compared whole. */
function flatten(value: Record<string, unknown>, prefix: string[] = [], into = new Map<string, Leaf>()): Map<string, Leaf> {
  for (const [key, item] of Object.entries(value)) {
    const keys = [...prefix, key];
    if (isPlainObject(item) && Object.keys(item).length > 0) flatten(item, keys, into);
    else into.set(JSON.stringify(keys), { keys, value: item });
  }
  return into;
}

/** The value at a path of the redacted version; where redaction replaced a whole object, that replacement. */
function valueAt(value: unknown, keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isPlainObject(current)) return current;
    current = current[key];
  }
  return current;
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
