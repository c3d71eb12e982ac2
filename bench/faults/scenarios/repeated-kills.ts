import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

/**
 * Every 5 s rather than 4: with a 3 s lease and a 1 s tick, the retries of one kill's runs start about
 * 4 s after it, all on the instance whose tick claimed them first, and a kill every 4 s kept landing
 * on them: some occurrences were abandoned five times in a row and given up (three abandonments are
 * free, then maxAttempts counts). That is the cap working as designed, against a run that kills every
 * instance it lands on; the scenario is about instances dying, not about aiming at the same runs.
 */
const SIZES = {
  full: { instances: 3, leaseMs: 3000, killSeconds: 60, everySeconds: 5 },
  short: { instances: 2, leaseMs: 2000, killSeconds: 5, everySeconds: 2 },
};

/**
 * For a minute, every few seconds one instance after the other is SIGKILLed and started again under
 * the same instance id (as a restarted replica would be). Every kill leaves runs `running` on a lease
 * that nobody renews; a later tick of any instance abandons them and inserts their next attempt. An
 * occurrence may be abandoned more than once, by successive kills; its first three abandoned attempts
 * do not count against maxAttempts.
 */
export const repeatedKills: Scenario = {
  name: 'repeated-kills',
  title: 'Repeated kills and restarts',
  async run({ postgres, build, broker, mode, log }) {
    const size = SIZES[mode];
    const cluster = await FaultCluster.open(postgres, { build, broker, scenario: 'repeat', instances: size.instances, leaseMs: size.leaseMs });
    try {
      await cluster.createJobs(mode === 'full' ? FULL_WORKLOAD : SHORT_WORKLOAD);
      // The window runs on past the last kill for a lease and a bit, so the last victim's runs are counted rescued.
      const window = cluster.openWindow(size.killSeconds + 2);
      let kills = 0;
      for (let at = 1; at < size.killSeconds; at += size.everySeconds) {
        await sleep(window.at(at) - Date.now());
        const index = kills % size.instances;
        // The full version kills on the clock: some 17 runs are in flight at any moment. The short one, with
        // fewer jobs and two kills, waits a moment for the victim to execute something. (Waiting for fresh
        // runs at every kill would aim at the retries of the previous victim's runs, again and again.)
        if (mode === 'short' && cluster.executors.includes(index)) await cluster.waitForRunsInFlight(index, 2 * SECOND).catch(() => []);
        await cluster.killAndRestart(index);
        kills += 1;
      }
      log(`${kills} kills and restarts`);
      const counts = await cluster.closeWindow(window);
      const exited = cluster.exitedUnasked();
      const codes = await cluster.close();
      const expectedKills = Math.floor((size.killSeconds - 1) / size.everySeconds);
      return {
        counts,
        checks: [
          ...occurrenceChecks(counts),
          check('instances were killed and restarted throughout', kills >= expectedKills, `${kills} kills (SIGKILL) and restarts`),
          // The short version's two or three kills can each land between runs now that runs start on time
          // and most finish within milliseconds: there, only every run left behind must have been retried.
          check(
            mode === 'full' ? 'kills left runs behind, and they were abandoned and retried' : 'every run a kill left behind was abandoned and retried',
            (mode === 'short' || counts.abandoned > 0) && counts.retried >= counts.abandoned,
            `${counts.abandoned} abandoned, ${counts.retried} retries`,
          ),
          check('the last generation kept running and stopped cleanly', exited.length === 0 && codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};

