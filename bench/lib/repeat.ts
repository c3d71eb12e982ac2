import { describe } from './describe';
import { progress } from './log';

/** Every measurement that failed in this run, as "trial #repetition: error", for the reports. */
export const failures: string[] = [];

export interface Trial<T> {
  key: string;
  run: (repetition: number) => Promise<T>;
}

/**
 * Runs every trial `reps` times, interleaved and alternating in direction (A B C, C B A, A B C...),
 * so that a noisy neighbour on a shared machine weighs on every trial alike and a ratio taken
 * within one repetition compares like with like. A failed measurement is reported and left out.
 */
export async function alternate<T>(trials: Trial<T>[], reps: number): Promise<Map<string, (T | undefined)[]>> {
  const results = new Map(trials.map((trial) => [trial.key, [] as (T | undefined)[]]));
  for (let repetition = 0; repetition < reps; repetition += 1) {
    const order = repetition % 2 === 0 ? trials : [...trials].reverse();
    for (const trial of order) {
      progress(`${trial.key}, repetition ${repetition + 1} of ${reps}`);
      try {
        results.get(trial.key)![repetition] = await trial.run(repetition);
      } catch (error) {
        progress(`  FAILED: ${describe(error)}`);
        failures.push(`${trial.key} #${repetition + 1}: ${describe(error)}`);
        results.get(trial.key)![repetition] = undefined;
      }
    }
  }
  return results;
}

/** Per-repetition ratios a/b, for the repetitions where both were measured. */
export function ratios(a: (number | undefined)[], b: (number | undefined)[]): number[] {
  return a.flatMap((value, index) => (value !== undefined && b[index] !== undefined && b[index] !== 0 ? [value / b[index]] : []));
}

export const defined = <T>(values: (T | undefined)[]): T[] => values.filter((value): value is T => value !== undefined);
