import type { JobDefinition } from './job-definition';

/** The format version of a document; an export writes it, an apply accepts it or none. */
export const DOCUMENT_VERSION = 1;
/** The most jobs one document may hold. */
export const MAX_DOCUMENT_JOBS = 1000;

/** What GET /jobs/export writes and POST /jobs/apply reads: every job, by name. */
export interface JobDocument {
  version: typeof DOCUMENT_VERSION;
  jobs: JobDefinition[];
}
