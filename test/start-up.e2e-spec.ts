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
  /** Answers GET /jobs?limit=1 tagged with `requestId`, and resolves with every log line that names it. */
  const request = async (service: ServiceProcess, requestId: string, headers: Record<string, string> = {}) => {
    await fetch(`${service.url}/health/live`);
    const response = await fetch(`${service.url}/jobs?limit=1`, { headers: { 'x-request-id': requestId, ...headers } });
    expect(response.status).toBe(200);
    return waitFor(async () => {
      const lines = linesOf(service).filter((line) => line.includes(requestId));
      return lines.length > 0 && lines;
    }, 10_000, `the log line of ${requestId}`);
  };

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

  it('writes one line per request in development: method, URL, status, time and request id', async () => {
    const service = await startService({ NODE_ENV: 'development', LOG_LEVEL: 'log' });
    const lines = await request(service, 'one-line-per-request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[[\d:.]+\] INFO \(\d+\): GET \/jobs\?limit=1 200 \d+ ms \{/);
    expect(JSON.parse(lines[0].slice(lines[0].indexOf('{')))).toMatchObject({
      req: { id: 'one-line-per-request', method: 'GET', url: '/jobs?limit=1' },
      res: { statusCode: 200 },
    });
    expect(lines[0]).not.toContain('user-agent');
    // Probes and scrapes are not logged at all.
    expect(linesOf(service).filter((line) => line.includes('/health/live') && !line.includes('Mapped'))).toEqual([]);
  });

  it('writes the same fields as JSON in production, and the headers (secrets redacted) only at debug', async () => {
    const tokens = { NODE_ENV: 'production', API_TOKENS: 'start-up-token' };
    const bearer = { authorization: 'Bearer start-up-token' };
    const quiet = await startService({ ...tokens, LOG_LEVEL: 'log' });
    const [line] = await request(quiet, 'json-at-log-level', bearer);
    const entry = JSON.parse(line);
    expect(entry).toMatchObject({ level: 30, msg: expect.stringMatching(/^GET \/jobs\?limit=1 200 \d+ ms$/), responseTime: expect.any(Number) });
    expect(entry.req).toEqual({ id: 'json-at-log-level', method: 'GET', url: '/jobs?limit=1' });
    expect(entry.res).toEqual({ statusCode: 200 });

    const verbose = await startService({ ...tokens, LOG_LEVEL: 'debug' });
    const [detailed] = (await request(verbose, 'json-at-debug-level', bearer)).filter((text) => text.includes('"responseTime"'));
    const { req, res } = JSON.parse(detailed);
    expect(req.headers).toMatchObject({ 'x-request-id': 'json-at-debug-level', authorization: '[redacted]' });
    expect(req.remoteAddress).toBe('127.0.0.1');
    expect(res.headers).toBeDefined();
    expect(detailed).not.toContain('start-up-token');
  });
});
