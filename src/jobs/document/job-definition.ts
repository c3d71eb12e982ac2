import type { Job } from '../../generated/prisma/client';
import type { MISFIRE_POLICIES, OVERLAP_POLICIES } from '../dto/create-job.dto';

/** A job as a document describes it: what a person defines, nothing the service computes. */
export interface JobDefinition {
  name: string;
  description: string | null;
  schedule: string;
  timezone: string;
  type: string;
  params: Record<string, unknown>;
  tags: string[];
  isActive: boolean;
  overlapPolicy: (typeof OVERLAP_POLICIES)[number];
  misfirePolicy: (typeof MISFIRE_POLICIES)[number];
  maxAttempts: number;
  retryBackoffMs: number;
  timeoutMs: number;
}

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
] as const satisfies readonly (keyof JobDefinition)[];

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
};

/** Normalises whitespace so equal schedules are stored alike. */
export const normaliseSchedule = (schedule: string) => schedule.trim().split(/\s+/).join(' ');

export function definitionOf(job: Job): JobDefinition {
  return Object.fromEntries(DEFINITION_FIELDS.map((field) => [field, job[field]])) as unknown as JobDefinition;
}
