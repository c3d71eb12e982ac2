import type { Job } from '../generated/prisma/client';
import type { FieldProblem } from '../validation/field-problems';

/** overlapPolicy forbid never starts a run while another is going: a limit above 1 would say otherwise. */
export function concurrencyProblem(overlapPolicy: Job['overlapPolicy'], maxConcurrency: number | null, field: 'maxConcurrency' | 'overlapPolicy'): FieldProblem | null {
  if (overlapPolicy !== 'forbid' || maxConcurrency === null || maxConcurrency === 1) return null;
  const message =
    field === 'maxConcurrency'
      ? `must be 1 or null with overlapPolicy "forbid", which never runs two at once (got ${maxConcurrency})`
      : `cannot be "forbid" while maxConcurrency is ${maxConcurrency}: set maxConcurrency to 1 or null with it`;
  return { field, message };
}
