import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { YAML_TYPES } from '../http/yaml-body';
import { type Actor, RequestActor } from '../audit/actor';
import { RequiredRole } from '../security/required-role.decorator';
import '../security/principal';
import type { JobDocument } from './document/job-document';
import { ApplyDocumentDto } from './dto/apply-document.dto';
import { ApplyQuery } from './dto/apply.query';
import type { ApplyResponse } from './dto/apply.response';
import { JobsDocumentService } from './jobs-document.service';

const wantsYaml = (accept: string | undefined) => YAML_TYPES.some((type) => accept?.includes(type));

@ApiTags('jobs as code')
@Controller('jobs')
export class JobsDocumentController {
  constructor(private readonly documents: JobsDocumentService) {}

  /** Every job as one document, YAML when Accept asks for it (application/yaml), JSON otherwise; secrets only for admins. */
  @Get('export')
  @RequiredRole('reader')
  @ApiOkResponse({
    description: 'The document, in the format Accept asks for; POST /jobs/apply takes it back.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ApplyDocumentDto) } },
      'application/yaml': { schema: { type: 'string', description: 'The same document as YAML.' } },
    },
  })
  @ApiOperation({ summary: 'Export every job as one document' })
  @ApiErrors(503)
  async exportJobs(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobDocument | string> {
    const document = await this.documents.export(request.principal?.role);
    if (!wantsYaml(request.headers.accept)) return document;
    void reply.type('application/yaml; charset=utf-8');
    return stringify(document);
  }

  /**
   * Makes the jobs match the document (JSON or YAML), matched by name, in one transaction: creates,
   * updates, and with prune deletes the rest. With dryRun, only the plan. Needs admin, or operator
   * for a document that only pauses or resumes jobs.
   */
  @Post('apply')
  @HttpCode(200)
  @RequiredRole('reader')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiOperation({ summary: 'Make the jobs match a document' })
  @ApiErrors(400, 409, 413, 415, 503)
  applyJobs(@Body() document: ApplyDocumentDto, @Query() query: ApplyQuery, @Req() request: FastifyRequest, @RequestActor() actor: Actor): Promise<ApplyResponse> {
    return this.documents.apply(document, query, request.principal?.role, actor);
  }
}
