import { ArrayMaxSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { DOCUMENT_VERSION, MAX_DOCUMENT_JOBS } from '../document/job-document';

/** The body of POST /jobs/apply: the document GET /jobs/export writes. Each job is validated as POST /jobs validates one. */
export class ApplyDocumentDto {
  /** The document format. @example 1 */
  @IsOptional()
  @IsIn([DOCUMENT_VERSION])
  version?: number;

  /** Every job the service should have, as in POST /jobs; fields left out take the defaults. */
  @IsArray()
  @ArrayMaxSize(MAX_DOCUMENT_JOBS)
  jobs: unknown[];
}
