import { describeStatuses, latencyQuantile, startApiLoad, unexpectedAnswers } from '../api-load';
import { FaultCluster, LOG_DIR, SECOND, sleep, type Window } from '../fault-cluster';
import { PatroniTopology } from '../patroni-topology';
import { check, occurrenceChecks, type Check, type ScenarioContext, type ScenarioResult } from '../scenario';
import { createJobAfterChange, lagOf, listenersBack } from './listener-after-change';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

/** How the leader goes: an operator's switchover, or its postmaster killed. */
export type LeaderChange = 'switchover' | 'kill';

export interface LeaderChangeOptions {
  change: LeaderChange;
  /** Jobs all due at one instant, just before the leader goes (0: none). */
  storm: { full: number; short: number };
}

const SIZES = {
  full: { instances: 3, leaseMs: 3000, windowSeconds: 30, changeAtSecond: 8 },
  short: { instances: 2, leaseMs: 2000, windowSeconds: 14, changeAtSecond: 3 },
};
/** From the leader going to a run succeeding again: Patroni's TTL (10 s) and HAProxy's checks, with room. */
const RECOVERY_BOUND_MS = 45 * SECOND;
/** A job created after a switchover starts within this of its occurrence, as any other. */
const ON_TIME_BOUND_MS = 2 * SECOND;

/** "3.2 s after the change", "1.5 s before the change". */
const relativeTo = (at: number, changedAt: number) => `${(Math.abs(at - changedAt) / 1000).toFixed(1)} s ${at < changedAt ? 'before' : 'after'} the change`;

/**
 * `count` `log` jobs, one occurrence each at `instant` (a 6-field schedule that names its second,
 * minute, hour, day and month), written in one statement: 10,000 POSTs would take longer than the
 * scenario. Their next run is the instant, as the API would have computed it.
 */
async function createStorm(cluster: FaultCluster, count: number, instant: Date): Promise<void> {
  const schedule = `${instant.getUTCSeconds()} ${instant.getUTCMinutes()} ${instant.getUTCHours()} ${instant.getUTCDate()} ${instant.getUTCMonth() + 1} *`;
  await cluster.query(
    `INSERT INTO jobs (name, schedule, timezone, type, params, max_attempts, next_run, updated_at)
     SELECT 'storm ' || n, $1, 'UTC', 'log', jsonb_build_object('level', 'debug', 'message', 'storm ' || n), 2, $2, now()
       FROM generate_series(1, $3::int) AS n`,
    [schedule, instant, count],
  );
}

/** The first run that started after `since` and succeeded: when the service worked again. */
async function firstSuccessAfter(cluster: FaultCluster, since: number): Promise<number | undefined> {
  const rows = await cluster.query<{ at: Date | null }>(`SELECT min(finished_at) AS at FROM job_runs WHERE status = 'succeeded' AND started_at > $1`, [new Date(since)]);
  return rows[0].at?.getTime();
}

/**
 * The database's leader goes under load: `patronictl switchover`, or SIGKILL of its postmaster
 * (Patroni promotes the synchronous standby). Through HAProxy, connections to the old leader are cut;
 * statements fail with a lost connection, or 25006 on a node already demoted, which the service
 * treats as an outage: the API answers 503, a tick fails and the next one claims. Claims and outcomes
 * acknowledged before the change are on the synchronous standby, so nothing committed is lost; runs
 * whose outcome could not be written are abandoned when their lease expires and retried.
 */
export async function runLeaderChange(
  { build, broker, mode, log }: ScenarioContext,
  scenario: string,
  options: LeaderChangeOptions,
): Promise<Omit<ScenarioResult, 'passed' | 'seconds' | 'name' | 'title' | 'execution'>> {
  const size = SIZES[mode];
  log('starting the Patroni topology (3 nodes, etcd, HAProxy)');
  const topology = await PatroniTopology.start(build);
  let cluster: FaultCluster | undefined;
  try {
    cluster = await FaultCluster.open(topology, { build, broker, scenario, instances: size.instances, leaseMs: size.leaseMs });
    await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
    const window: Window = cluster.openWindow(size.windowSeconds);
    const stormSize = options.storm[mode];
    const stormAt = new Date(window.at(size.changeAtSecond));
    if (stormSize > 0) await createStorm(cluster, stormSize, stormAt);
    const api = startApiLoad({
      targets: () => cluster!.apiInstances.map((instance) => instance.url),
      concurrency: 4,
      path: () => '/jobs?limit=20',
      timeoutMs: 10 * SECOND,
      maxDurationMs: (size.windowSeconds + 60) * SECOND,
    });
    // With a storm, the leader goes while its claims are being written.
    await sleep(window.at(size.changeAtSecond) + (stormSize > 0 ? 300 : 0) - Date.now());
    const before = await topology.leader();
    const changedAt = Date.now();
    const detail = options.change === 'switchover' ? await topology.switchover().then(({ from, to }) => `switchover ${from} → ${to}`) : `SIGKILL of ${await topology.killLeaderPostmaster()}'s postmaster`;
    log(detail);
    const switched = options.change === 'switchover';
    const listening = switched ? listenersBack(cluster, changedAt) : undefined;
    const after = await topology.waitUntilHealthy();
    log(`${after.name} leads, ${Date.now() - changedAt} ms after the change`);
    const listenersMs = await listening;
    const lateJob = switched ? await createJobAfterChange(cluster, window.to) : undefined;
    const counts = await cluster.closeWindow(window);
    const answers = await api.stop();
    const lateLagMs = lateJob && (await lagOf(cluster, lateJob));
    const recoveredAt = await firstSuccessAfter(cluster, changedAt);
    const recoveryMs = recoveredAt === undefined ? undefined : recoveredAt - changedAt;
    log(`first successful run ${recoveryMs ?? '(none)'} ms after the change`);
    const exited = cluster.exitedUnasked();
    const health = await Promise.all(cluster.instances.map((instance) => fetch(`${instance.url}/health`).then((response) => response.status)));
    const codes = await cluster.close();
    const checks: Check[] = [
      ...occurrenceChecks(counts),
      check('the leader changed', after.name !== before.name, `${detail}; ${before.name} led, ${after.name} leads`),
      check(
        'a run succeeded again soon after the change',
        recoveryMs !== undefined && recoveryMs < RECOVERY_BOUND_MS,
        `first successful run ${recoveryMs === undefined ? 'never' : `${(recoveryMs / 1000).toFixed(1)} s`} after the change (bound ${RECOVERY_BOUND_MS / 1000} s)`,
      ),
      check('no instance exited', exited.length === 0, exited.length ? `exited: ${exited.join(', ')}` : 'all kept running'),
      check(
        'the API answered 200 or 503, never hung or failed otherwise',
        unexpectedAnswers(answers) === 0,
        `${describeStatuses(answers)}; p99 ${latencyQuantile(answers, 0.99)} ms, slowest ${answers.slowestMs} ms, sent ${relativeTo(answers.slowestAt, changedAt)}`,
      ),
      check('every instance ready again afterwards', health.every((status) => status === 200), `GET /health: ${health.join(', ')}`),
      check('instances stopped cleanly', codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
    ];
    if (switched) {
      checks.push(
        check(
          'every scheduling instance listens on the new leader',
          listenersMs !== undefined,
          listenersMs === undefined ? 'not within a minute' : `${(listenersMs / 1000).toFixed(1)} s after the change, through HAProxy`,
        ),
        check(
          'a job created after the change runs on time',
          lateLagMs !== undefined && lateLagMs < ON_TIME_BOUND_MS,
          `lag ${lateLagMs === undefined ? 'never ran' : `${lateLagMs} ms`} (bound ${ON_TIME_BOUND_MS} ms)`,
        ),
      );
    }
    if (stormSize > 0) checks.push(check('the storm was due at once', counts.expected >= stormSize, `${stormSize} jobs due at ${stormAt.toISOString()}`));
    return { counts, checks, recoveryMs };
  } finally {
    await cluster?.close();
    topology.keepLogs(LOG_DIR);
    await topology.close();
  }
}
