import { PartialType } from '@nestjs/swagger';
import { paramsShapeProblems } from '../../job-types/params-problems';
import type { FieldProblem } from '../../validation/field-problems';
import { CreateJobDto } from './create-job.dto';

/** Any subset of the fields of a new job; null is refused except where a field is nullable. */
export class UpdateJobDto extends PartialType(CreateJobDto, { skipNullProperties: false }) {
  /** The problems of `params` when the body names the type too; otherwise the job's stored type decides, later. */
  static companionProblems(body: Record<string, unknown>): FieldProblem[] {
    return body.type === undefined || body.params === undefined ? [] : paramsShapeProblems(body.type, body.params);
  }
}
