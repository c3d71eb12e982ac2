import { FaultCluster, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

const SIZES = {
  full: { instances: 3, leaseMs: 3000, windowSeconds: 20, killAtSecond: 6 },
  short: { instances: 2, leaseMs: 2000, windowSeconds: 5, killAtSecond: 1 },
};

/**
 * SIGKILL of one instance while it has http runs in flight. Nothing tells the others; its runs stay
 * `running` until their lease expires, then the next tick of a survivor marks them `abandoned` and
 * inserts the next attempt, which a survivor runs.
 */
export const instanceKilled: Scenario = {
  name: 'instance-killed',
  title: 'Instance killed (SIGKILL mid-run)',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, { build, broker, scenario: 'killed', instances: size.instances, leaseMs: size.leaseMs });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      const window = cluster.openWindow(size.windowSeconds);
      const victimIndex = cluster.executors[cluster.executors.length - 1];
      const victim = cluster.instances[victimIndex];
      await sleep(window.at(size.killAtSecond) - Date.now());
      const ids = await cluster.waitForRunsInFlight(victimIndex);
      await victim.stop('SIGKILL');
      log(`killed ${victim.instanceId} with ${ids.length} http runs in flight`);
      const counts = await cluster.closeWindow(window);
      const fate = await cluster.query<{ abandoned: string; rescued: string }>(
        `SELECT count(*) FILTER (WHERE k.status = 'abandoned') AS abandoned,
                count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM job_runs s WHERE s.job_id = k.job_id AND s.scheduled_for = k.scheduled_for
                     AND s.status = 'succeeded' AND s.attempt > k.attempt AND s.instance_id <> k.instance_id)) AS rescued
           FROM job_runs k WHERE k.id = ANY($1::bigint[])`,
        [ids],
      );
      const exited = cluster.exitedUnasked().filter((id) => id !== victim.instanceId);
      const codes = await cluster.close();
      const survivorCodes = codes.filter((_, index) => index !== victimIndex);
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          check('the kill hit runs in flight', ids.length > 0, `${ids.length} http runs in flight when killed`),
          check(
            'each run in flight was abandoned and succeeded later on a survivor',
            Number(fate[0].abandoned) === ids.length && Number(fate[0].rescued) === ids.length,
            `${fate[0].abandoned} of ${ids.length} abandoned, ${fate[0].rescued} succeeded on another instance`,
          ),
          check('survivors kept running and stopped cleanly', exited.length === 0 && survivorCodes.every((code) => code === 0), `exit codes ${survivorCodes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
