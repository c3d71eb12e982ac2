// The shapes of the public REST API: the types generated from its document (`npm run client`).
export type {
  AuditEntryResponse as AuditEntry,
  ChangedFieldResponse as ChangedField,
  CreateJobDto as JobInput,
  JobResponse as Job,
  JobRunResponse as JobRun,
  JobTypeResponse as JobTypeAvailability,
  RecentRunsResponse as RecentRuns,
  RunResponse as Run,
  SchedulerStateResponse as SchedulerState,
} from '../../src/api-client/api-types';
import {
  type AlertDeliveryResponse,
  type AlertTargetResponse,
  type AuditEntryResponse,
  type JobAlertsResponse,
  type RunResponse,
  runResponseStatusValues,
} from '../../src/api-client/api-types';
export { createJobDtoTypeValues as JOB_TYPES } from '../../src/api-client/api-types';

export const RUN_STATUSES = runResponseStatusValues;

export type RunStatus = RunResponse['status'];
export type AuditAction = AuditEntryResponse['action'];

/** The status a filter's text names, or undefined when it names none (a hand-edited URL). */
export function asRunStatus(value: string): RunStatus | undefined {
  return (RUN_STATUSES as readonly string[]).includes(value) ? (value as RunStatus) : undefined;
}

export type AlertDelivery = AlertDeliveryResponse;
export type AlertEvent = AlertDeliveryResponse['event'];
export type AlertTarget = AlertTargetResponse;
export type JobAlerts = JobAlertsResponse;

/** The envelope of every paginated list. */
export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}
