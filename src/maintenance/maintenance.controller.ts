import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { type Actor, RequestActor } from '../audit/actor';
import { RequiredRole } from '../security/required-role.decorator';
import { NoBody } from '../validation/no-body';
import type { SchedulerStateResponse } from './dto/scheduler-state.response';
import { MaintenanceService } from './maintenance.service';

@ApiTags('scheduler')
@Controller('scheduler')
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  /** Whether the scheduler is paused, since when and by whom. */
  @Get()
  @RequiredRole('reader')
  @ApiOperation({ summary: 'Read the maintenance switch' })
  @ApiErrors(503)
  getState(): Promise<SchedulerStateResponse> {
    return this.maintenance.read();
  }

  /**
   * Pauses every instance: no scheduled run, retry or run-now starts until resumed (runs already
   * going finish). Pausing a paused scheduler changes nothing.
   */
  @Post('pause')
  @HttpCode(200)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Pause the whole scheduler' })
  @ApiErrors(400, 413, 415, 503)
  pause(@NoBody() _body: undefined, @RequestActor() actor: Actor): Promise<SchedulerStateResponse> {
    return this.maintenance.set(true, actor);
  }

  /** Resumes: what fell due meanwhile runs now, each occurrence by its job's misfirePolicy. */
  @Post('resume')
  @HttpCode(200)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Resume the whole scheduler' })
  @ApiErrors(400, 413, 415, 503)
  resume(@NoBody() _body: undefined, @RequestActor() actor: Actor): Promise<SchedulerStateResponse> {
    return this.maintenance.set(false, actor);
  }
}
