import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import type { SchedulerStateResponse } from './dto/scheduler-state.response';
import { MaintenanceRepository } from './maintenance.repository';

@Injectable()
export class MaintenanceService {
  constructor(
    private readonly state: MaintenanceRepository,
    private readonly auditLog: AuditLog,
  ) {}

  read(): Promise<SchedulerStateResponse> {
    return this.state.read();
  }

  /** Pauses or resumes every instance; a change is audited as a pause or resume without a job, a repeat changes nothing. */
  async set(paused: boolean, actor: Actor): Promise<SchedulerStateResponse> {
    const { after } = await this.state.set(paused, actor.name, (client, { before }) =>
      this.auditLog.recordOn(client, {
        actor,
        action: paused ? 'pause' : 'resume',
        jobId: null,
        jobName: null,
        changes: [{ field: 'scheduler.paused', before: before.paused, after: paused }],
      }),
    );
    return after;
  }
}
