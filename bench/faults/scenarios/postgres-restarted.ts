import { describeStatuses, startApiLoad, unexpectedAnswers } from '../api-load';
import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

const SIZES = {
  full: { instances: 3, leaseMs: 3000, windowSeconds: 25, stopAtSecond: 6, downSeconds: 5 },
  short: { instances: 2, leaseMs: 2000, windowSeconds: 6, stopAtSecond: 1, downSeconds: 3 },
};

const TICK_FAILED = /the scheduler tick failed/g;
/**
 * Warnings and errors a worker may log for one outage: once per loop that notices it (taking runs,
 * renewing leases), once per pooled connection dropped, once per late outcome refused.
 */
const WORKER_LINES_PER_OUTAGE = 40;

/**
 * PostgreSQL stops (fast shutdown: every session is cut, open claims roll back) and starts again a
 * few seconds later on the same port. Ticks fail and each instance logs that once; runs in flight go
 * on, their outcome writes retry until the database answers. Leases shorter than the outage expire,
 * so the first tick afterwards abandons those runs and retries them: the late outcome of the old
 * attempt is refused. The occurrences that fell due meanwhile are younger than the misfire threshold
 * and run late, each once.
 */
export const postgresRestarted: Scenario = {
  name: 'postgres-restarted',
  title: 'PostgreSQL restarted under load',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, { build, broker, scenario: 'pgrestart', instances: size.instances, leaseMs: size.leaseMs });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      const window = cluster.openWindow(size.windowSeconds);
      const api = startApiLoad({
        targets: () => cluster.apiInstances.map((instance) => instance.url),
        concurrency: 4,
        path: () => '/jobs?limit=20',
        timeoutMs: 10 * SECOND,
        maxDurationMs: (size.windowSeconds + 5) * SECOND,
      });
      await sleep(window.at(size.stopAtSecond) - Date.now());
      await cluster.waitForRunsInFlight(cluster.executors[0]);
      const stoppedAt = Date.now();
      await postgres.stopServer();
      log(`PostgreSQL stopped; starting it again in ${size.downSeconds} s`);
      await sleep(stoppedAt + size.downSeconds * SECOND - Date.now());
      await postgres.startAgain();
      const downMs = Date.now() - stoppedAt;
      log(`PostgreSQL back after ${downMs} ms`);
      const counted = cluster.extendWindow(window, Date.now() + 2 * SECOND);
      const counts = await cluster.closeWindow(counted);
      const answers = await api.stop();
      const exited = cluster.exitedUnasked();
      const failures = cluster.instances
        .filter((_, index) => cluster.isScheduler(index))
        .map((instance) => cluster.output(instance.instanceId).match(TICK_FAILED)?.length ?? 0);
      const workerLines = cluster.executors
        .filter((index) => !cluster.isScheduler(index))
        // The service's own warnings and errors; request log lines (the API load's 503s) left out.
        .map((index) => cluster.output(cluster.instances[index].instanceId).split('\n').filter((line) => /"level":(40|50)/.test(line) && !line.includes('"req"')).length);
      const health = await Promise.all(cluster.instances.map((instance) => fetch(`${instance.url}/health`).then((response) => response.status)));
      const codes = await cluster.close();
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          check('no instance exited', exited.length === 0, exited.length ? `exited: ${exited.join(', ')}` : 'all kept running'),
          check(
            'each scheduling instance logged the failing tick once for the outage',
            failures.every((count) => count === 1),
            `"tick failed" lines per instance: ${failures.join(', ')}`,
          ),
          check(
            'each worker logged the outage a bounded number of times, not once per message',
            workerLines.every((count) => count <= WORKER_LINES_PER_OUTAGE),
            workerLines.length ? `warnings and errors per worker: ${workerLines.join(', ')} (limit ${WORKER_LINES_PER_OUTAGE})` : 'no dedicated workers (inline mode)',
          ),
          check('every instance ready again afterwards', health.every((status) => status === 200), `GET /health: ${health.join(', ')}`),
          check(
            'occurrences due during the outage ran late, within the misfire threshold',
            counts.worstLagMs >= downMs - 2 * SECOND && counts.worstLagMs < 60 * SECOND,
            `outage ${(downMs / 1000).toFixed(1)} s from +${((stoppedAt - counted.from.getTime()) / 1000).toFixed(1)} s of a ${((counted.to.getTime() - counted.from.getTime()) / 1000).toFixed(0)} s window, worst lag ${(counts.worstLagMs / 1000).toFixed(1)} s`,
          ),
          check('the API answered 200 or 503, never hung or failed otherwise', unexpectedAnswers(answers) === 0 && (answers.byStatus['503'] ?? 0) > 0, describeStatuses(answers)),
          check('instances stopped cleanly', codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await postgres.startAgain();
      await cluster.close();
    }
  },
};
