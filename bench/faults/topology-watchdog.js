// Started by patroni-topology.ts with a pipe for stdin and the topology's folder as its argument:
// when the pipe closes (the owner ended, was killed, or asked), it kills every process the topology
// started and deletes the folder. Patroni starts each postmaster in a session of its own (os.setsid),
// so a process-group kill of Patroni leaves it running: the postmasters are found by the
// postmaster.pid files under the folder, the other processes by the pid files the owner wrote to
// <folder>/pids/. It ignores SIGINT, SIGTERM and SIGHUP (a Ctrl-C reaches the whole terminal's
// process group, and cleaning up is exactly what it is for) and cleans up on them instead.
const { existsSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const folder = process.argv[2];
const GRACE_MS = 3_000;

function postmasterPids(directory, depth = 0) {
  if (depth > 3 || !existsSync(directory)) return [];
  const pids = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (entry === 'postmaster.pid') pids.push(Number(readFileSync(path, 'utf8').split('\n')[0]));
    else if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) pids.push(...postmasterPids(path, depth + 1));
  }
  return pids;
}

function startedPids() {
  const directory = join(folder, 'pids');
  if (!existsSync(directory)) return [];
  return readdirSync(directory).map((name) => Number(readFileSync(join(directory, name), 'utf8')));
}

function signal(pid, name) {
  if (!Number.isInteger(pid) || pid <= 1) return;
  // The owner starts each process as the leader of its own group: the group takes its children too.
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, name);
    } catch {
      // Already gone.
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let cleaning = false;
async function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  // Patroni first, so that it does not restart a postmaster killed under it; then the postmasters
  // (SIGQUIT: immediate shutdown, the backends too), then whatever is left, by force.
  const started = startedPids();
  for (const pid of started) signal(pid, 'SIGKILL');
  const postmasters = postmasterPids(folder);
  for (const pid of postmasters) signal(pid, 'SIGQUIT');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && postmasters.some(alive)) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of [...postmasterPids(folder), ...postmasters]) signal(pid, 'SIGKILL');
  rmSync(folder, { recursive: true, force: true });
  process.exit(0);
}

for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => void cleanUp());
process.stdin.on('end', () => void cleanUp());
process.stdin.on('error', () => void cleanUp());
process.stdin.resume();
process.stdout.write('watching\n');
