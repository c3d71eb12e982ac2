import { describeStatuses, startApiLoad, unexpectedAnswers } from '../api-load';
import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

const SIZES = {
  full: { instances: 3, leaseMs: 3000, windowSeconds: 20, rounds: 6, everySeconds: 2.5 },
  short: { instances: 2, leaseMs: 2000, windowSeconds: 5, rounds: 3, everySeconds: 1.2 },
};

/**
 * pg_terminate_backend on every connection of the service's two pools (application_name `api` and
 * `scheduler`), several times, while the API is in use. A claim cut in the middle rolls back whole:
 * no job moves on without its run. The pools drop the dead connections and open new ones; the
 * interrupted tick is logged and the next one claims what is due.
 */
export const backendsKilled: Scenario = {
  name: 'backends-killed',
  title: 'Backends killed (pg_terminate_backend)',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, { build, broker, scenario: 'backends', instances: size.instances, leaseMs: size.leaseMs });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      const window = cluster.openWindow(size.windowSeconds);
      const api = startApiLoad({
        targets: () => cluster.apiInstances.map((instance) => instance.url),
        concurrency: 6,
        path: (sequence) => (sequence % 2 ? '/jobs?limit=50' : `/jobs/${cluster.jobIds[sequence % cluster.jobIds.length]}/runs?limit=20`),
        timeoutMs: 10 * SECOND,
        maxDurationMs: (size.windowSeconds + 5) * SECOND,
      });
      const terminated: { api: number; scheduler: number }[] = [];
      for (let round = 0; round < size.rounds; round += 1) {
        await sleep(window.at(1 + round * size.everySeconds) - Date.now());
        const rows = await cluster.query<{ application_name: 'api' | 'scheduler' }>(
          `SELECT application_name FROM pg_stat_activity
            WHERE datname = current_database() AND application_name IN ('api', 'scheduler') AND pg_terminate_backend(pid)`,
        );
        terminated.push({
          api: rows.filter((row) => row.application_name === 'api').length,
          scheduler: rows.filter((row) => row.application_name === 'scheduler').length,
        });
      }
      const rounds = terminated.map(({ api, scheduler }) => `${api} api + ${scheduler} scheduler`).join(', ');
      log(`terminated ${rounds}`);
      // "Half-claimed" would be a job moved to its next occurrence without the run of the one claimed:
      // that occurrence would be missing. Also, every job's nextRun is still in the near future.
      const counts = await cluster.closeWindow(window);
      const answers = await api.stop();
      const behind = await cluster.query<{ count: string }>(
        "SELECT count(*) FROM jobs WHERE is_active AND next_run < now() - interval '3 seconds'",
      );
      const exited = cluster.exitedUnasked();
      const codes = await cluster.close();
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          // An API pool can be empty at the instant of a round (its connections were killed by the round
          // before and the load's requests are still waiting): the API's must be hit at least once.
          check(
            "every round terminated the scheduler's backends, and some round the API's",
            terminated.every(({ scheduler }) => scheduler > 0) && terminated.some(({ api }) => api > 0),
            rounds,
          ),
          check('nothing half-claimed: no occurrence without a run, no job left behind', counts.missing === 0 && Number(behind[0].count) === 0, `${counts.missing} occurrences without a run, ${behind[0].count} jobs behind`),
          check('the API answered 200 or 503, never a 500 or a hang', unexpectedAnswers(answers) === 0, describeStatuses(answers)),
          check('no instance exited, all stopped cleanly', exited.length === 0 && codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
