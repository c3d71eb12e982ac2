// `npm start` runs this first: it builds the service and the dashboard only when their sources changed
// since their last build, so a start without changes does not spend 15 s compiling what is already
// compiled. "Changed" is by modification time: an output older than the newest of its inputs, files
// and folders alike (a deleted file changes its folder's time), is stale. A failed build removes its
// output, so the next start tries again instead of running what the failure left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DEPENDENCIES = ['package.json', 'package-lock.json'];
const PARTS = [
  {
    name: 'the service',
    output: 'dist/main.js',
    inputs: ['src', 'prisma/schema.prisma', 'tsconfig.json', 'nest-cli.json', ...DEPENDENCIES],
    script: 'build:service',
  },
  { name: 'the dashboard', output: 'dist-ui/index.html', inputs: ['ui', ...DEPENDENCIES], script: 'build:ui' },
];

/** The npm that runs this script (npm start sets npm_execpath), or the one on the PATH. */
function npm(...args) {
  const cli = process.env.npm_execpath;
  return cli ? [process.execPath, [cli, ...args]] : ['npm', args];
}

/** The most recently modified file or folder under `path` (itself included), or undefined if there is none. */
function newest(path) {
  if (!existsSync(path)) return undefined;
  const stats = statSync(path);
  let found = { path, mtimeMs: stats.mtimeMs };
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) {
      const inner = newest(join(path, entry));
      if (inner && inner.mtimeMs > found.mtimeMs) found = inner;
    }
  }
  return found;
}

/** Why `part` must be built, or undefined when its output is newer than every input. */
function staleness(part) {
  if (!existsSync(part.output)) return `${part.output} does not exist`;
  const builtAt = statSync(part.output).mtimeMs;
  const changed = part.inputs
    .map(newest)
    .filter((input) => input !== undefined)
    .reduce((latest, input) => (input.mtimeMs > latest.mtimeMs ? input : latest), { mtimeMs: -Infinity });
  return changed.mtimeMs > builtAt ? `${changed.path} changed since the last build` : undefined;
}

for (const part of PARTS) {
  const reason = staleness(part);
  if (reason === undefined) {
    console.log(`build: ${part.name} is up to date (${part.output})`);
    continue;
  }
  console.log(`build: building ${part.name}: ${reason}`);
  const { status } = spawnSync(...npm('run', '--silent', part.script), { stdio: 'inherit' });
  if (status !== 0) {
    rmSync(part.output, { force: true });
    console.error(`build: building ${part.name} failed (npm run ${part.script})`);
    process.exit(status ?? 1);
  }
}
