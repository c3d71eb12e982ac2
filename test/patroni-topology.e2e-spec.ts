import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { missingTopologyPrograms } from '../bench/faults/patroni-topology';

const ROOT = resolve(__dirname, '..');
const missing = missingTopologyPrograms();
const describeWithTopology = missing ? describe.skip : describe;
if (missing) console.warn(`test/patroni-topology.e2e-spec.ts skipped: ${missing} not installed (.ci/run installs them)`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every pid the topology wrote (Patroni, etcd, HAProxy, PgBouncer) and every postmaster's. */
function topologyPids(folder: string): number[] {
  const started = readdirSync(join(folder, 'pids')).map((name) => Number(readFileSync(join(folder, 'pids', name), 'utf8')));
  const postmasters = ['node1', 'node2', 'node3']
    .map((node) => join(folder, node, 'data', 'postmaster.pid'))
    .filter((file) => existsSync(file))
    .map((file) => Number(readFileSync(file, 'utf8').split('\n')[0]));
  return [...started, ...postmasters];
}

describeWithTopology('the Patroni topology of the failover scenarios', () => {
  it('leaves no process and no folder behind when its owner is killed with SIGKILL', async () => {
    // The owner: a plain Node process that starts the topology, says where, and waits to be killed.
    const owner = spawn(
      process.execPath,
      [
        '-r',
        './bench/faults/register.js',
        '-e',
        `require('./bench/faults/patroni-topology').PatroniTopology.start('dist').then(async (t) => {
           const members = await t.members();
           console.log(JSON.stringify({ folder: t.folder, members, writable: t.databaseUrl('postgres', 'pgbouncer') }));
         }, (e) => { console.error(e); process.exit(1); }); setInterval(() => undefined, 1000);`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await Promise.race([
      once(createInterface({ input: owner.stdout }), 'line'),
      once(owner, 'exit').then(([code]) => {
        throw new Error(`the owner exited with ${code} before the topology was up`);
      }),
    ])) as [string];
    const { folder, members } = JSON.parse(line) as { folder: string; members: { role: string }[] };
    expect(members.map((member) => member.role).sort()).toEqual(['leader', 'replica', 'sync_standby']);
    const pids = topologyPids(folder);
    expect(pids.length).toBe(9);
    expect(pids.every(alive)).toBe(true);

    owner.kill('SIGKILL');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (existsSync(folder) || pids.some(alive))) await new Promise((r) => setTimeout(r, 200));

    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  }, 240_000);
});
