import type { JobResponse, RunResponse } from '../../src/api-client/api-types';
import type { SchedulerService } from '../../src/scheduler/scheduler.service';
import { makeJob } from './factories';
import type { TestApp } from './test-app';
import { withClient } from './test-server';
import { waitFor } from './wait-for';

export const FINAL_STATUSES: RunResponse['status'][] = ['succeeded', 'failed', 'timed_out', 'abandoned', 'skipped'];

/**
 * Drives the scheduler of an app started with a tick that practically never fires
 * (SCHEDULER_TICK='0 0 1 1 *'): jobs are created on a yearly schedule, made due by moving their
 * nextRun into the past, and run by calling tick() directly.
 */
export class SchedulerDriver {
  constructor(
    private readonly t: TestApp,
    readonly scheduler: SchedulerService,
  ) {}

  async createJob(overrides: Record<string, unknown>): Promise<JobResponse> {
    const { body } = await this.t.http
      .post('/jobs')
      .send(makeJob({ schedule: '0 0 1 1 *', ...overrides }))
      .expect(201);
    return body;
  }

  /** Moves the job's nextRun one second into the past (by the database clock), so it is due. */
  async makeDue(jobId: number): Promise<void> {
    await withClient(this.t.database.url, (client) =>
      client.query("UPDATE jobs SET next_run = now() - interval '1 second' WHERE id = $1", [jobId]),
    );
  }

  async createDueJob(overrides: Record<string, unknown>): Promise<JobResponse> {
    const job = await this.createJob(overrides);
    await this.makeDue(job.id);
    return job;
  }

  /** The job's runs, oldest first, through the API. */
  async runsOf(jobId: number): Promise<RunResponse[]> {
    const { body } = await this.t.http.get(`/jobs/${jobId}/runs?limit=100`).expect(200);
    return (body.data as RunResponse[]).sort((a, b) => a.id - b.id);
  }

  /**
   * Ticks once, then waits until the job has exactly `count` runs, all finished. With
   * `keepTicking`, ticks on every poll too, so that retries are claimed when they come due.
   */
  async tickAndWaitForRuns(jobId: number, count = 1, keepTicking = false): Promise<RunResponse[]> {
    await this.scheduler.tick();
    return this.waitForRuns(jobId, count, keepTicking);
  }

  waitForRuns(jobId: number, count = 1, keepTicking = false): Promise<RunResponse[]> {
    return waitFor(
      async () => {
        if (keepTicking) await this.scheduler.tick();
        const runs = await this.runsOf(jobId);
        return runs.length === count && runs.every((run) => FINAL_STATUSES.includes(run.status)) && runs;
      },
      10_000,
      `${count} finished runs of job ${jobId}`,
    );
  }
}
