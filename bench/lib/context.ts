import type { BenchDatabase } from './database';
import type { ProcessGroup } from './service';

export interface BenchOptions {
  /** Repetitions of every measurement (at least 3). */
  reps: number;
  /** The 10-minute lag run of the memory figure instead of the default 30 s. */
  long: boolean;
  /** A smoke run: short windows, figures not for the tables (written as <suite>-quick.md). */
  quick: boolean;
}

/** What every suite gets: the database server, the processes to clean up, and what earlier suites measured. */
export interface BenchContext {
  database: BenchDatabase;
  processes: ProcessGroup;
  options: BenchOptions;
  /** Figures one suite leaves for another in the same run (RSS after the drain, for the memory suite). */
  shared: Map<string, unknown>;
}

export interface SuiteReport {
  /** File name stem in bench/results: `dispatch` writes dispatch.md and dispatch.json. */
  name: string;
  markdown: string;
  data: unknown;
  /** SVG charts, by file name. */
  charts?: Record<string, string>;
}
