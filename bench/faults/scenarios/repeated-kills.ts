import { FaultCluster, SECOND, sleep } from '../fault-cluster';
import { check, occurrenceChecks, type Scenario } from '../scenario';
import { FULL_WORKLOAD, SHORT_WORKLOAD } from './workloads';

const SIZES = {
  full: { instances: 3, leaseMs: 3000, killSeconds: 60, everySeconds: 4 },
  short: { instances: 2, leaseMs: 2000, killSeconds: 5, everySeconds: 2 },
};

/**
 * For a minute, every few seconds one instance after the other is SIGKILLed (once it has runs in
 * flight) and started again under the same instance id (as a restarted replica would be). Every kill
 * leaves runs `running` on a lease that nobody renews; a later tick of any instance abandons them and
 * inserts their next attempt. An occurrence may be abandoned more than once, by successive kills; its
 * first three abandoned attempts do not count against maxAttempts.
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
        // Kill it while it executes something, when it does within a second or two.
        if (cluster.executors.includes(index)) await cluster.waitForRunsInFlight(index, 2 * SECOND).catch(() => []);
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
          check('kills left runs behind, and they were abandoned and retried', counts.abandoned > 0 && counts.retried >= counts.abandoned, `${counts.abandoned} abandoned, ${counts.retried} retries`),
          check('the last generation kept running and stopped cleanly', exited.length === 0 && codes.every((code) => code === 0), `exit codes ${codes.join(', ')}`),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};

