import type { Workload } from '../fault-cluster';

/** Per second 42 runs, about 17 of them http runs in flight at any moment, shared by 2-3 instances. */
export const FULL_WORKLOAD: Workload = {
  logEverySecond: 30,
  httpEverySecond: 10,
  httpDelayMs: 1200,
  httpEveryThreeSeconds: 6,
  slowHttpDelayMs: 2500,
};

/** The same mix, smaller, for `npm test`. */
export const SHORT_WORKLOAD: Workload = {
  logEverySecond: 10,
  httpEverySecond: 4,
  httpDelayMs: 800,
  httpEveryThreeSeconds: 2,
  slowHttpDelayMs: 1200,
};
