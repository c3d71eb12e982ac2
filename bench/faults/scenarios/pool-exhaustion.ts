import { describeStatuses, latencyQuantile, serviceAnswerTimes, startApiLoad, unexpectedAnswers } from '../api-load';
import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

/**
 * The full version floods with a few hundred concurrent requests; the short one with fewer, and a
 * shorter pool timeout, so that the pool still runs dry without saturating the machine's CPUs.
 */
const SIZES = {
  full: { instances: 2, leaseMs: 3000, windowSeconds: 20, concurrency: 200, poolTimeoutMs: 500, margin503Ms: 2_000 },
  // npm test runs other test files beside this one, on the same CPUs: the event loop lags more.
  short: { instances: 2, leaseMs: 2000, windowSeconds: 4, concurrency: 60, poolTimeoutMs: 200, margin503Ms: 5_000 },
};
const POOL_SIZE = 2;
/** Inactive jobs that each search scans (about 10 ms a query here): connections stay busy. */
const FILLER_JOBS = 5_000;
/** Scheduling lag allowed while the API is flooded. */
const MAX_LAG_MS = 3 * SECOND;
/**
 * The typical 503 comes within the pool timeout and this, from reading the request: the pool's wait,
 * not a queue. (The worst one also waits for an event loop busy with the flood: `margin503Ms`.)
 */
const MEDIAN_503_MARGIN_MS = 500;
/** A request the client has no answer to after this long counts as hung. */
const HUNG_MS = 15 * SECOND;

/**
 * A few hundred concurrent API requests, each a search that scans the job table, against instances
 * whose API pool has 2 connections and waits at most 500 ms for one (short version: 60, 200 ms). The scheduler claims, renews
 * and records runs on its own pool (SCHEDULER_POOL_SIZE), so the flood does not delay the tick; a
 * request that gets no connection within DATABASE_POOL_TIMEOUT_MS is answered 503 rather than queued.
 * On a machine whose CPUs the flood saturates, requests also wait to be read at all: that is CPU, not
 * the pool, and the client-side latencies in the checks show it.
 */
export const poolExhaustion: Scenario = {
  name: 'pool-exhaustion',
  title: 'API pool exhausted by a flood of requests',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, {
      build,
      broker,
      scenario: 'pool',
      instances: size.instances,
      leaseMs: size.leaseMs,
      environment: { DATABASE_POOL_SIZE: String(POOL_SIZE), DATABASE_POOL_TIMEOUT_MS: String(size.poolTimeoutMs) },
    });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      await cluster.query(
        `INSERT INTO jobs (name, description, schedule, is_active, updated_at)
         SELECT 'filler ' || n, 'an inactive job that searches scan ' || md5(n::text), '0 9 * * *', false, now()
           FROM generate_series(1, $1::int) n`,
        [FILLER_JOBS],
      );
      const window = cluster.openWindow(size.windowSeconds);
      await sleep(window.at(1) - Date.now());
      const flood = startApiLoad({
        targets: () => cluster.apiInstances.map((instance) => instance.url),
        concurrency: size.concurrency,
        path: (sequence) => `/jobs?search=${sequence.toString(36)}zz&limit=20`,
        timeoutMs: HUNG_MS,
        maxDurationMs: (size.windowSeconds - 1) * SECOND,
      });
      await sleep(window.at(size.windowSeconds - 1) - Date.now());
      const answers = await flood.stop();
      const client = `client-side p50 ${latencyQuantile(answers, 0.5)} ms, p99 ${latencyQuantile(answers, 0.99)} ms, max ${answers.slowestMs} ms`;
      log(`${size.concurrency} concurrent searches: ${answers.requests} requests, ${describeStatuses(answers)}; ${client}`);
      const counts = await cluster.closeWindow(window);
      const unavailable = serviceAnswerTimes(cluster.output(), 503);
      const sorted = [...unavailable].sort((a, b) => a - b);
      const median503 = sorted[Math.floor(sorted.length / 2)] ?? 0;
      const slowest503 = sorted[sorted.length - 1] ?? 0;
      const [medianLimit, slowestLimit] = [size.poolTimeoutMs + MEDIAN_503_MARGIN_MS, size.poolTimeoutMs + size.margin503Ms];
      const exited = cluster.exitedUnasked();
      const codes = await cluster.close();
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          check('the flood exhausted the API pool: requests got 503', (answers.byStatus['503'] ?? 0) > 0, describeStatuses(answers)),
          check(
            'a request without a connection got its 503 within the pool timeout, from the service',
            unavailable.length > 0 && median503 <= medianLimit && slowest503 <= slowestLimit,
            `${unavailable.length} answered 503 (pool timeout ${size.poolTimeoutMs} ms) from reading the request in ${median503} ms ` +
              `at the median (limit ${medianLimit} ms), ${slowest503} ms at most (limit ${slowestLimit} ms)`,
          ),
          check('every request answered 200 or 503, none hung', unexpectedAnswers(answers) === 0, `${describeStatuses(answers)}; ${client}`),
          check('scheduling lag stayed low under the flood', counts.worstLagMs < MAX_LAG_MS, `worst lag ${counts.worstLagMs} ms (limit ${MAX_LAG_MS} ms)`),
          check('no instance exited, all stopped cleanly', exited.length === 0 && codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
