import { PartialType } from '@nestjs/swagger';
import { CreateJobDto } from './create-job.dto';

/** Any subset of the fields of a new job. */
export class UpdateJobDto extends PartialType(CreateJobDto) {}
