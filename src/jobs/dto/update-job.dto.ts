import { PartialType } from '@nestjs/swagger';
import { CreateJobDto } from './create-job.dto';

/** Any subset of the fields of a new job; null is refused except where a field is nullable. */
export class UpdateJobDto extends PartialType(CreateJobDto, { skipNullProperties: false }) {}
