import type { Role } from '../../security/roles';
import type { FieldChange } from '../document/apply-plan';

export class JobChanges {
  /** @example "Nightly backup" */
  name: string;
  /** Each field that differs, from its current value to the document's. @example { "schedule": { "from": "0 2 * * *", "to": "0 3 * * *" } } */
  changes: Record<string, FieldChange>;
}

/** What an apply did, or with dryRun would do: job names by outcome. */
export class ApplyResponse {
  /** True when nothing was changed. */
  dryRun: boolean;
  /** The least role that may apply this document here: admin, or operator when it only pauses or resumes. @example "admin" */
  requiredRole: Role;
  /** @example ["Nightly backup"] */
  created: string[];
  changed: JobChanges[];
  /** Jobs the document does not name, deleted with prune. @example [] */
  deleted: string[];
  /** @example ["Daily report"] */
  unchanged: string[];
}
