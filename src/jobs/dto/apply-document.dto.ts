import { ArrayMaxSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { DOCUMENT_VERSION, MAX_DOCUMENT_JOBS } from '../document/job-document';
import type { CreateJobDto } from './create-job.dto';

/** The body of POST /jobs/apply: the document GET /jobs/export writes. Each job is validated as POST /jobs validates one. */
export class ApplyDocumentDto {
  /** The document format. @example 1 */
  @IsOptional()
  @IsIn([DOCUMENT_VERSION])
  version?: number;

  /**
   * Every job the service should have, as in POST /jobs (one-off jobs aside: a document holds scheduled
   * jobs); fields left out take the defaults. Each is validated by the apply itself, so that an error names the job.
   */
  @IsArray()
  @ArrayMaxSize(MAX_DOCUMENT_JOBS)
  jobs: CreateJobDto[];
}
