import type { ClaimedRun } from './sql/claimed-run';

/**
 * Where claimed runs go once their claim is committed: started here (inline), or published for the
 * workers (broker). One is chosen at start-up from EXECUTION_MODE.
 */
export abstract class Dispatcher {
  /** How many runs the next claim may take. */
  abstract capacity(batch: number): number;
  abstract dispatch(runs: ClaimedRun[]): Promise<void>;
}
