import type { Actor } from './actor';
import type { ChangedField } from './field-diff';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'pause', 'resume', 'run'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a change writes to the audit log, in the change's own transaction. */
export interface NewAuditEntry {
  actor: Actor;
  action: AuditAction;
  jobId: number;
  jobName: string;
  runId?: number;
  changes: ChangedField[];
}
