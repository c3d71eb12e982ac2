import { DEFINITION_FIELDS, type JobDefinition } from './job-definition';

export interface FieldChange {
  from: unknown;
  to: unknown;
}

export interface JobUpdate {
  id: number;
  name: string;
  /** The job as the document defines it. */
  definition: JobDefinition;
  /** Only the fields that differ. */
  changes: Partial<Record<keyof JobDefinition, FieldChange>>;
}

/** What applying a document does, job by job, matched by name. */
export interface ApplyPlan {
  create: JobDefinition[];
  update: JobUpdate[];
  delete: { id: number; name: string }[];
  unchanged: string[];
}

/** JSON with the keys of every object sorted: two params objects are equal when they say the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * The plan that makes the jobs `current` match `desired` (both normalised the same way): new names are
 * created, known names updated where a field differs, and with `prune` the jobs the document does
 * not name are deleted.
 */
export function planApply(desired: JobDefinition[], current: (JobDefinition & { id: number })[], prune: boolean): ApplyPlan {
  const byName = new Map(current.map((job) => [job.name, job]));
  const plan: ApplyPlan = { create: [], update: [], delete: [], unchanged: [] };
  for (const definition of desired) {
    const existing = byName.get(definition.name);
    if (!existing) {
      plan.create.push(definition);
      continue;
    }
    const changes: JobUpdate['changes'] = {};
    for (const field of DEFINITION_FIELDS) {
      if (canonical(existing[field]) !== canonical(definition[field])) changes[field] = { from: existing[field], to: definition[field] };
    }
    if (Object.keys(changes).length > 0) plan.update.push({ id: existing.id, name: definition.name, definition, changes });
    else plan.unchanged.push(definition.name);
  }
  if (prune) {
    const named = new Set(desired.map((definition) => definition.name));
    plan.delete = current.filter((job) => !named.has(job.name)).map(({ id, name }) => ({ id, name }));
  }
  return plan;
}
