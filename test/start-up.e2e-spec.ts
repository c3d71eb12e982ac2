import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);
const BUILD_IF_CHANGED = resolve(__dirname, '..', 'scripts', 'build-if-changed.mjs');

describe('npm start builds only what changed (scripts/build-if-changed.mjs)', () => {
  // A project of the same shape, whose builds only record that they ran and write their output;
  // `build:ui` fails while a file named fail-ui exists.
  let project: string;
  const builds = () => readFileSync(join(project, 'builds.log'), 'utf8').split('\n').filter(Boolean);
  const start = () => run('npm', ['run', '--silent', 'check'], { cwd: project });
  const file = (path: string, text = '') => {
    mkdirSync(join(project, path, '..'), { recursive: true });
    writeFileSync(join(project, path), text);
  };
  /** Every file and folder dated `seconds` ago, the outputs 50 s later than that: a project just built. */
  const settle = (seconds = 100) => {
    const walk = (path: string, time: number) => {
      if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry), time);
      utimesSync(path, time, time);
    };
    const past = Date.now() / 1000 - seconds;
    for (const input of ['src', 'ui', 'prisma', 'package.json']) walk(join(project, input), past);
    for (const output of ['dist/main.js', 'dist-ui/index.html']) utimesSync(join(project, output), past + 50, past + 50);
  };

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'build-if-changed-'));
    const build = (part: string, output: string) =>
      `node -e "const fs=require('fs');if(fs.existsSync('fail-${part}'))process.exit(3);fs.appendFileSync('builds.log','${part}\\n');fs.mkdirSync('${output}'.split('/')[0],{recursive:true});fs.writeFileSync('${output}','')"`;
    file(
      'package.json',
      JSON.stringify({
        name: 'shape-of-the-project',
        private: true,
        scripts: { check: `node ${BUILD_IF_CHANGED}`, 'build:service': build('service', 'dist/main.js'), 'build:ui': build('ui', 'dist-ui/index.html') },
      }),
    );
    file('builds.log');
    file('src/main.ts', 'export {};');
    file('src/jobs/jobs.service.ts', 'export {};');
    file('prisma/schema.prisma');
    file('ui/src/main.tsx', 'export {};');
    file('ui/src/old.tsx', 'export {};');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('builds both parts when nothing was built yet, and neither when nothing changed', async () => {
    await start();
    expect(builds()).toEqual(['service', 'ui']);
    settle();
    const { stdout } = await start();
    expect(builds()).toEqual(['service', 'ui']);
    expect(stdout).toContain('the service is up to date');
    expect(stdout).toContain('the dashboard is up to date');
  });

  it('builds only the part whose sources changed, deleted files included', async () => {
    await start();
    settle();
    file('src/jobs/jobs.service.ts', 'export const changed = true;');
    const { stdout } = await start();
    expect(builds()).toEqual(['service', 'ui', 'service']);
    expect(stdout).toContain('src/jobs/jobs.service.ts changed since the last build');

    settle();
    rmSync(join(project, 'ui/src/old.tsx'));
    await start();
    expect(builds()).toEqual(['service', 'ui', 'service', 'ui']);
  });

  it('fails when a build fails, and builds that part again on the next start', async () => {
    await start();
    settle();
    file('ui/src/main.tsx', 'export const broken = true;');
    file('fail-ui');
    await expect(start()).rejects.toMatchObject({ code: 3 });
    rmSync(join(project, 'fail-ui'));
    await start();
    expect(builds()).toEqual(['service', 'ui', 'ui']);
  });
});

describe('what a started service says', () => {
  let database: TestDatabase;
  const started: ServiceProcess[] = [];
  const startService = async (environment: Record<string, string>) => {
    const service = await ServiceProcess.start({ DATABASE_URL: database.url, SCHEDULER_TICK: '0 0 1 1 *', ...environment }, 'start-up-e2e');
    started.push(service);
    return service;
  };
  // pino-pretty colours its output; the escapes are not what a person reads.
  const linesOf = (service: ServiceProcess) => stripVTControlCharacters(service.output.join('')).split('\n');
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const service of started) await service.stop();
    await database?.drop();
  });

  it('says the address and port it listens on, and a URL of the dashboard that opens', async () => {
    const service = await startService({ LOG_LEVEL: 'log' });
    const line = await waitFor(async () => linesOf(service).find((text) => text.includes('listening on')), 10_000, 'the start-up line');
    expect(line).toContain(`listening on 127.0.0.1:${service.port}: dashboard at http://127.0.0.1:${service.port}/ui/`);
    const url = /dashboard at (\S+),/.exec(line)![1];
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"></div>');
  });

});
