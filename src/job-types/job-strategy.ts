import type { RunLogger } from '../observability/run-logger';
import type { FieldProblem } from '../validation/field-problems';

/** What a strategy gets to execute one run. */
export interface JobExecutionContext<Params> {
  job: { id: number; name: string; type: string };
  run: { id: number; attempt: number; scheduledFor: Date };
  params: Params;
  /** Aborted when the run times out or the instance shuts down; strategies must honour it. */
  signal: AbortSignal;
  logger: RunLogger;
}

/**
 * One job type, declared with `@JobType(name, ParamsClass)`: the class-validator DTO describing its
 * `params`, which are validated when a job is created or changed, so a run never fails for a reason
 * known earlier. `execute` resolves with the run's output or throws to fail the run.
 */
export interface JobStrategy<Params extends object = object> {
  /** Checks that depend on configuration rather than on the params' shape (e.g. a disabled type). */
  availabilityProblem?(): string | undefined;
  /** Checks of valid params against configuration (e.g. the outbound policy), reported as field problems. */
  policyProblems?(params: Params): FieldProblem[];
  execute(context: JobExecutionContext<Params>): Promise<unknown>;
}
