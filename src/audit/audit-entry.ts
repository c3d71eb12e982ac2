import type { Actor } from './actor';
import type { ChangedField } from './field-diff';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'pause', 'resume', 'run', 'cancel', 'backfill'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A change of isActive alone is a pause or a resume (what an operator may do); any other is an update. */
export function changeAction(changedFields: string[], isActive: boolean | undefined): AuditAction {
  if (changedFields.length === 1 && changedFields[0] === 'isActive') return isActive ? 'resume' : 'pause';
  return 'update';
}

/** What a change writes to the audit log, in the change's own transaction. */
export interface NewAuditEntry {
  actor: Actor;
  action: AuditAction;
  /** Null for the scheduler's maintenance switch. */
  jobId: number | null;
  jobName: string | null;
  runId?: number;
  changes: ChangedField[];
}
