import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { RequiredRole } from '../security/required-role.decorator';
import type { JobTypeResponse } from './dto/job-type.response';
import { JobTypeRegistry } from './job-type.registry';

@ApiTags('job-types')
@Controller('job-types')
export class JobTypesController {
  constructor(private readonly types: JobTypeRegistry) {}

  /** The job types of this service, each saying whether new jobs of it are accepted here. */
  @Get()
  @RequiredRole('reader')
  @ApiOperation({ summary: 'List job types' })
  @ApiErrors()
  listJobTypes(): JobTypeResponse[] {
    return this.types.availability();
  }
}
