import { ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEntry } from '../../generated/prisma/client';
import { AUDIT_ACTIONS } from '../audit-entry';
import type { ChangedField } from '../field-diff';
import { SIGN_IN_METHODS, type SignInMethod } from '../../security/principal';

/** A field's value: any JSON value, null included (a description cleared). */
const JSON_VALUE = [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, { type: 'object' }];

export class ChangedFieldResponse {
  /** A dotted path into the job. @example "params.url" */
  field: string;
  @ApiPropertyOptional({ description: 'The value before the change (absent when the job was created); secrets are "[redacted]".', anyOf: JSON_VALUE })
  before?: unknown;
  @ApiPropertyOptional({ description: 'The value after the change (absent when the job was deleted); secrets are "[redacted]".', anyOf: JSON_VALUE })
  after?: unknown;
}

export class AuditEntryResponse {
  /** @example 7 */
  id: number;
  /** When the change was committed (ISO-8601 UTC). */
  at: Date;
  /** The API key's name, the JWT's subject, or "anonymous" when no credential is configured. @example "deploy" */
  actor: string;
  /** How the actor signed in. @example "api-key" */
  via: (typeof SIGN_IN_METHODS)[number];
  /** The client's address. @example "203.0.113.7" */
  address: string | null;
  action: (typeof AUDIT_ACTIONS)[number];
  /** Null for a pause or resume of the whole scheduler (POST /scheduler/pause, /resume). @example 1 */
  jobId: number | null;
  /** The job's name at the time; null with jobId. @example "Nightly report" */
  jobName: string | null;
  /** The run a run-now created. @example 42 */
  runId: number | null;
  /** Field by field; empty for a run-now. */
  changes: ChangedFieldResponse[];

  static from(entry: AuditEntry): AuditEntryResponse {
    return {
      id: Number(entry.id),
      at: entry.at,
      actor: entry.actor,
      via: entry.via as SignInMethod,
      address: entry.address,
      action: entry.action,
      jobId: entry.jobId,
      jobName: entry.jobName,
      runId: entry.runId === null ? null : Number(entry.runId),
      changes: entry.changes as unknown as ChangedField[],
    };
  }
}

export class AuditPageResponse {
  data: AuditEntryResponse[];
  /** Entries matching the filters, over all pages. @example 1 */
  total: number;
  /** @example 20 */
  limit: number;
  /** @example 0 */
  offset: number;
}
