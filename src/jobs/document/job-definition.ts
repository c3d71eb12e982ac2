import type { Job } from '../../generated/prisma/client';
import type { JobResponse } from '../dto/job.response';

/** The fields a document may set, in the order an export writes them. */
export const DEFINITION_FIELDS = [
  'name',
  'description',
  'schedule',
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
  'jitterMs',
  'maxCatchUp',
  'notify',
] as const satisfies readonly (keyof JobResponse)[];

/** A job as a document describes it: what a person defines, nothing the service computes. */
export type JobDefinition = Omit<Pick<JobResponse, (typeof DEFINITION_FIELDS)[number]>, 'schedule'> & {
  /** Documents hold scheduled jobs only: one-off jobs (runAt) are left out of them. */
  schedule: string;
};

/** What a field left out of a document means: the same defaults as POST /jobs (and the database's). */
export const DEFINITION_DEFAULTS: Omit<JobDefinition, 'name' | 'schedule' | 'params'> = {
  description: null,
  timezone: 'UTC',
  type: 'log',
  tags: [],
  isActive: true,
  overlapPolicy: 'allow',
  misfirePolicy: 'run_once',
  maxAttempts: 1,
  retryBackoffMs: 1000,
  timeoutMs: 60000,
  maxConcurrency: null,
  jitterMs: 0,
  maxCatchUp: 10,
  notify: null,
};

/** Normalises whitespace so equal schedules are stored alike. */
export const normaliseSchedule = (schedule: string) => schedule.trim().split(/\s+/).join(' ');

export function definitionOf(job: Job): JobDefinition {
  return Object.fromEntries(DEFINITION_FIELDS.map((field) => [field, job[field]])) as unknown as JobDefinition;
}
