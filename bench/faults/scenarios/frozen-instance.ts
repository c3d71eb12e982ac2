import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

const SIZES = {
  full: { instances: 3, leaseMs: 3000, windowSeconds: 20, freezeAtSecond: 5 },
  short: { instances: 2, leaseMs: 2000, windowSeconds: 7, freezeAtSecond: 1 },
};
const LOST_LEASE = /lost the lease of run (\d+)/g;
const REFUSED = /outcome \w+ refused/g;

/**
 * SIGSTOP of an instance with runs in flight, for twice its lease and a second, then SIGCONT. While it
 * is frozen its leases expire; another instance abandons its runs and retries them. When it wakes its
 * lease keeper finds it no longer holds them, stops them and renews them no more, and an outcome it
 * still tries to write is refused: outcome writes are fenced on `status = 'running'` and the writer's
 * instance id. The abandoned attempt stays abandoned and the retry's success is the only one.
 */
export const frozenInstance: Scenario = {
  name: 'frozen-instance',
  title: 'Frozen instance (SIGSTOP longer than the lease, then SIGCONT)',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, { build, broker, scenario: 'frozen', instances: size.instances, leaseMs: size.leaseMs });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      const window = cluster.openWindow(size.windowSeconds);
      const victimIndex = cluster.executors[cluster.executors.length - 1];
      const victim = cluster.instances[victimIndex];
      await sleep(window.at(size.freezeAtSecond) - Date.now());
      const ids = await cluster.waitForRunsInFlight(victimIndex);
      victim.child.kill('SIGSTOP');
      const frozenMs = 2 * size.leaseMs + SECOND;
      log(`froze ${victim.instanceId} with ${ids.length} http runs in flight, for ${frozenMs} ms`);
      await sleep(frozenMs);
      const abandonedWhileFrozen = await cluster.query<{ count: string }>(
        "SELECT count(*) FROM job_runs WHERE id = ANY($1::bigint[]) AND status = 'abandoned'",
        [ids],
      );
      victim.child.kill('SIGCONT');
      const wokeAt = new Date();
      const counts = await cluster.closeWindow(window);
      const fate = await cluster.query<{ id: string; status: string; finished_at: Date; succeeded: string; later: string }>(
        `SELECT k.id, k.status, k.finished_at,
                (SELECT count(*) FROM job_runs s WHERE s.job_id = k.job_id AND s.scheduled_for = k.scheduled_for
                    AND s.status = 'succeeded') AS succeeded,
                (SELECT count(*) FROM job_runs s WHERE s.job_id = k.job_id AND s.scheduled_for = k.scheduled_for
                    AND s.status = 'succeeded' AND s.attempt > k.attempt) AS later
           FROM job_runs k WHERE k.id = ANY($1::bigint[])`,
        [ids],
      );
      const afterWaking = await cluster.query<{ count: string }>(
        "SELECT count(*) FROM job_runs WHERE instance_id = $1 AND status = 'succeeded' AND started_at > $2",
        [victim.instanceId, wokeAt],
      );
      // Inline, ticks alternate between instances as each wins a whole second's claim, so runs on it are not
      // guaranteed in a short window: its readiness says whether it ticks again. A worker takes its share of messages.
      const health = await fetch(`${victim.url}/health`);
      const lastTickAt = ((await health.json()) as { details?: { scheduler?: { lastTickAt?: string } } }).details?.scheduler?.lastTickAt;
      const worksAgain =
        health.status === 200 &&
        (cluster.isScheduler(victimIndex) ? lastTickAt !== undefined && new Date(lastTickAt) > wokeAt : Number(afterWaking[0].count) > 0);
      const output = cluster.output(victim.instanceId);
      const lostLease = [...output.matchAll(LOST_LEASE)].map((match) => match[1]);
      const refused = output.match(REFUSED)?.length ?? 0;
      // Runs it said it lost (those caught in flight, and any it claimed just before the freeze) really were taken from it.
      const reallyLost = await cluster.query<{ count: string }>(
        "SELECT count(*) FROM job_runs WHERE id = ANY($1::bigint[]) AND status = 'abandoned' AND instance_id = $2",
        [lostLease, victim.instanceId],
      );
      const exited = cluster.exitedUnasked();
      const codes = await cluster.close();
      const stayedAbandoned = fate.filter((row) => row.status === 'abandoned' && row.finished_at.getTime() < wokeAt.getTime());
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          check('the freeze caught runs in flight', ids.length > 0, `${ids.length} http runs in flight when frozen`),
          check(
            'another instance abandoned them while it was frozen',
            Number(abandonedWhileFrozen[0].count) === ids.length,
            `${abandonedWhileFrozen[0].count} of ${ids.length} abandoned during the freeze`,
          ),
          check(
            'on waking it learnt it lost them, and logged it',
            lostLease.length + refused > 0 && Number(reallyLost[0].count) === lostLease.length,
            `"lost the lease" for ${lostLease.length} runs (${reallyLost[0].count} of them abandoned by another), ${refused} outcome writes refused`,
          ),
          check('the abandoned attempts stayed abandoned', stayedAbandoned.length === ids.length, `${stayedAbandoned.length} of ${ids.length} still abandoned, untouched since`),
          check(
            'exactly one succeeded attempt per frozen occurrence: a later one',
            fate.every((row) => row.succeeded === '1' && row.later === '1'),
            fate.map((row) => `${row.succeeded} succeeded`).join(', '),
          ),
          check(
            'the woken instance works on',
            worksAgain && exited.length === 0,
            `ready (${health.status}), last tick ${lastTickAt ?? 'never'}, ${afterWaking[0].count} runs succeeded on it after it woke`,
          ),
          check('all stopped cleanly', codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
