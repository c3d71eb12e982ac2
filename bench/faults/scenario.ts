import type { OccurrenceCounts } from './occurrence-counts';
import type { OwnedPostgres } from './owned-postgres';

/** `full` for `npm run faults`; `short` for `npm test`: the same scenario, seconds instead of a minute. */
export type Mode = 'full' | 'short';

export interface ScenarioContext {
  postgres: OwnedPostgres;
  /** The service's build to run: a folder holding main.js (dist/, or the suite's own build). */
  build: string;
  /** Broker mode (a scheduler and workers, through RabbitMQ) rather than inline. */
  broker: boolean;
  mode: Mode;
  /** Progress lines (the CLI prints them; the tests keep quiet). */
  log: (message: string) => void;
}

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  execution: 'inline' | 'broker';
  counts: OccurrenceCounts;
  checks: Check[];
  /** From the fault to the first run that succeeded after it, where a scenario measures it. */
  recoveryMs?: number;
  passed: boolean;
  seconds: number;
}

export interface Scenario {
  name: string;
  title: string;
  /** What happens to a run in this scenario, and why (README "Failure modes"). */
  run(context: ScenarioContext): Promise<Omit<ScenarioResult, 'passed' | 'seconds' | 'name' | 'title' | 'execution'>>;
}

export const check = (what: string, ok: boolean, detail: string): Check => ({ what, ok, detail });

/** What every scenario must show: nothing run twice, nothing lost, nothing left hanging. */
export function occurrenceChecks(counts: OccurrenceCounts): Check[] {
  return [
    check('no (job, occurrence, attempt) twice', counts.duplicates === 0, `${counts.duplicates} duplicated attempts`),
    check('at most one succeeded run per occurrence', counts.doubled === 0, `${counts.doubled} occurrences succeeded twice`),
    check(
      'every occurrence has a succeeded run',
      counts.lost === 0,
      `${counts.lost} occurrences without a succeeded run (${counts.missing} without any run)`,
    ),
    check('no run for an occurrence outside the schedules', counts.unexpected === 0, `${counts.unexpected} unexpected runs`),
    check('no run left running or pending', counts.stuck === 0, `${counts.stuck} runs unfinished after settling`),
  ];
}

/** Nothing counted: a scenario that could not run to its end. */
export const NO_COUNTS: OccurrenceCounts = {
  expected: 0,
  runs: 0,
  duplicates: 0,
  doubled: 0,
  lost: 0,
  missing: 0,
  unexpected: 0,
  stuck: 0,
  abandoned: 0,
  retried: 0,
  worstLagMs: 0,
  worstRecoveryMs: 0,
  worstRecoveryHistory: '',
};

/** Runs a scenario; with `keepGoing`, an error becomes a failed check rather than the end of the suite. */
export async function runScenario(scenario: Scenario, context: ScenarioContext, keepGoing = false): Promise<ScenarioResult> {
  const started = Date.now();
  const result = await scenario.run(context).catch((error: unknown) => {
    if (!keepGoing) throw error;
    return { counts: NO_COUNTS, checks: [check('the scenario ran to its end', false, error instanceof Error ? error.message : String(error))] };
  });
  return {
    name: scenario.name,
    title: scenario.title,
    execution: context.broker ? 'broker' : 'inline',
    ...result,
    passed: result.checks.every((item) => item.ok),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
