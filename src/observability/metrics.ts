import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

/** Every metric this service exports, on its own registry (tests build several apps in one process). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'scheduler_job_runs_total',
    help: 'Runs that ended, by job type and final status',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  readonly runDuration = new Histogram({
    name: 'scheduler_job_run_duration_seconds',
    help: 'How long runs took, by job type and final status',
    labelNames: ['type', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly schedulingLag = new Histogram({
    name: 'scheduler_lag_seconds',
    help: 'Start of a run minus the occurrence it is for (scheduledFor), by job type',
    labelNames: ['type'] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly claimedPerTick = new Histogram({
    name: 'scheduler_tick_claimed_runs',
    help: 'Runs started by one tick of this instance',
    buckets: [0, 1, 5, 10, 50, 100, 500, 1000, 5000],
    registers: [this.registry],
  });

  readonly scheduleErrors = new Counter({
    name: 'scheduler_schedule_errors_total',
    help: 'Claims that could not compute a job\'s next occurrence: the job shows scheduleError and is no longer scheduled',
    registers: [this.registry],
  });

  readonly alertDeliveries = new Counter({
    name: 'scheduler_alert_deliveries_total',
    help: 'Attempts to deliver an alert to one target, by outcome: delivered, retried (to be tried again) or undeliverable (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly ticks = new Counter({
    name: 'scheduler_ticks_total',
    help: 'Ticks this instance completed',
    registers: [this.registry],
  });

  readonly tickErrors = new Counter({
    name: 'scheduler_tick_errors_total',
    help: 'Ticks that failed (database unreachable, ...)',
    registers: [this.registry],
  });

  readonly runsInFlight = new Gauge({
    name: 'scheduler_runs_in_flight',
    help: 'Runs this instance is executing now',
    registers: [this.registry],
  });

  readonly dueBacklog = new Gauge({
    name: 'scheduler_due_jobs',
    help: 'Active jobs whose next run is due now and not yet claimed (whole database)',
    registers: [this.registry],
  });

  readonly misfires = new Counter({
    name: 'scheduler_misfires_total',
    help: 'Occurrences found later than the misfire threshold, by the misfire policy applied',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  readonly brokerMessages = new Counter({
    name: 'broker_messages_total',
    help: 'Broker mode: run messages published, republished, consumed, skipped (no longer queued) and dead-lettered',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly brokerQueueDepth = new Gauge({
    name: 'broker_queue_messages',
    help: 'Broker mode: messages waiting in the runs queue, as last seen by a scheduler tick',
    registers: [this.registry],
  });

  readonly abandonedRuns = new Counter({
    name: 'scheduler_abandoned_runs_total',
    help: 'Runs this instance marked abandoned because their instance stopped renewing the lease',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
