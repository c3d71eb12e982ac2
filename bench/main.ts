// npm run bench [-- <suite>...] [--long] [--quick] [--reps=N] [--no-build]
// Builds the service into dist-bench/, starts a PostgreSQL of its own, runs the suites against
// real processes, prints markdown tables and writes them, the charts and the machine's
// description to bench/results/. It never fails on a missed target: it reports.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchOptions, SuiteReport } from './lib/context';
import { BenchDatabase } from './lib/database';
import { describe } from './lib/describe';
import { progress } from './lib/log';
import { describeMachine, type Machine, machineMarkdown } from './lib/machine';
import { failures } from './lib/repeat';
import { ProcessGroup, SERVICE_MAIN } from './lib/service';
import { apiSuite } from './suites/api';
import { brokerSuite } from './suites/broker';
import { cronSuite } from './suites/cron';
import { definitionsSuite } from './suites/definitions';
import { dispatchSuite } from './suites/dispatch';
import { lagSuite } from './suites/lag';
import { memorySuite } from './suites/memory';
import { poolingSuite } from './suites/pooling';
import { precisionSuite } from './suites/precision';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(__dirname, 'results');

const SUITES: Record<string, { title: string; run: (context: BenchContext) => Promise<SuiteReport> }> = {
  api: { title: '1. API', run: apiSuite },
  dispatch: { title: '2. Dispatch throughput', run: dispatchSuite },
  broker: { title: '2b. Dispatch in broker mode', run: brokerSuite },
  cron: { title: '2c. Cron engine', run: cronSuite },
  lag: { title: '3. Lag', run: lagSuite },
  definitions: { title: '4. Scale of definitions', run: definitionsSuite },
  pooling: { title: '4b. Pooling: PgBouncer in front of a Patroni leader', run: poolingSuite },
  precision: { title: '6. Precision at the defaults', run: precisionSuite },
  // Last: it reports what the suites before it left behind (RSS after the drain and the lag run).
  memory: { title: '5. Memory', run: memorySuite },
};

function parseArguments(argv: string[]): { suites: string[]; options: BenchOptions; build: boolean } {
  const suites = argv.filter((argument) => !argument.startsWith('--'));
  const unknown = suites.filter((suite) => !(suite in SUITES));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
  // --quick is a smoke run (short windows, one repetition unless told), written apart from the real figures.
  const quick = argv.includes('--quick');
  const reps = Number(/^--reps=(\d+)$/.exec(argv.find((argument) => argument.startsWith('--reps=')) ?? '')?.[1] ?? (quick ? 1 : 3));
  if (reps < 3 && !quick) throw new Error('--reps must be at least 3: every figure is a median with its range');
  return {
    // In the order above, whatever the order given.
    suites: Object.keys(SUITES).filter((suite) => suites.length === 0 || suites.includes(suite)),
    options: { reps, long: argv.includes('--long'), quick },
    build: !argv.includes('--no-build'),
  };
}

function build(): void {
  progress('building the service into dist-bench/ (bench/nest-cli.json; dist/ is left alone)');
  execFileSync(join(ROOT, 'node_modules/.bin/nest'), ['build', '-c', 'bench/nest-cli.json'], { cwd: ROOT, stdio: 'inherit' });
}

function header(title: string, machine: Machine, command: string): string {
  return [`## ${title}`, '', `\`${command}\`, ${machine.date}`, '', machineMarkdown(machine), ''].join('\n');
}

/** bench/results/README.md: every suite's latest tables, in order. */
function writeIndex(): void {
  const parts = ['# Benchmark results', '', 'Written by `npm run bench`; each section comes from the latest run of its suite. See SCALABILITY.md for what they mean.', ''];
  for (const name of Object.keys(SUITES)) {
    for (const file of [join(RESULTS, `${name}.md`), join(RESULTS, `${name}-long.md`)]) {
      if (existsSync(file)) parts.push(readFileSync(file, 'utf8'), '');
    }
  }
  writeFileSync(join(RESULTS, 'README.md'), parts.join('\n'));
}

async function main(): Promise<void> {
  const { suites, options, build: shouldBuild } = parseArguments(process.argv.slice(2));
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.replace(/ -- $/, '');
  if (shouldBuild || !existsSync(SERVICE_MAIN)) build();
  mkdirSync(RESULTS, { recursive: true });
  const processes = new ProcessGroup();
  const database = await BenchDatabase.start();
  const stopEverything = async () => {
    await processes.stopAll();
    await database.stop();
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    progress('interrupted: stopping every process the harness started');
    void stopEverything().finally(() => process.exit(130));
  });
  const machine = describeMachine(database.version);
  const context: BenchContext = { database, processes, options, shared: new Map() };
  const reports: { title: string; report: SuiteReport }[] = [];
  try {
    for (const name of suites) {
      if (interrupted) break;
      const started = Date.now();
      const failedBefore = failures.length;
      progress(`=== suite ${name}`);
      try {
        const report = await SUITES[name].run(context);
        const failed = failures.slice(failedBefore);
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        report.markdown += `\n\nThe suite took ${seconds} s.${failed.length ? ` Failed measurements, left out of the figures:\n\n${failed.map((line) => `- ${line}`).join('\n')}` : ''}`;
        reports.push({ title: SUITES[name].title, report });
      } catch (error) {
        progress(`suite ${name} failed: ${describe(error)}`);
        reports.push({ title: SUITES[name].title, report: { name, markdown: `The suite failed: ${describe(error)}`, data: null } });
      }
      progress(`=== suite ${name} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await stopEverything();
  }
  machine.loadAtEnd = Math.round(loadavg()[0] * 100) / 100;
  // A --long or --quick run is kept beside the default one: lag-long.md, lag-rss-long.svg...
  const suffix = options.long ? '-long' : options.quick ? '-quick' : '';
  const named = (file: string) => file.replace(/(\.\w+)$/, `${suffix}$1`);
  // A suite may show another's chart (memory shows the lag run's RSS): every reference is renamed.
  const charts = reports.flatMap(({ report }) => Object.keys(report.charts ?? {}));
  for (const { title, report } of reports) {
    let markdown = `${header(suffix ? `${title} (--${suffix.slice(1)})` : title, machine, command)}\n${report.markdown}\n`;
    for (const [file, svg] of Object.entries(report.charts ?? {})) writeFileSync(join(RESULTS, named(file)), `${svg}\n`);
    for (const file of charts) markdown = markdown.replaceAll(`(${file})`, `(${named(file)})`);
    writeFileSync(join(RESULTS, named(`${report.name}.md`)), markdown);
    writeFileSync(join(RESULTS, named(`${report.name}.json`)), `${JSON.stringify({ machine, options, data: report.data }, null, 2)}\n`);
    process.stdout.write(`\n${markdown}\n`);
  }
  if (!suffix) writeFileSync(join(RESULTS, 'machine.md'), `# Machine of the latest run\n\n\`${command}\`\n\n${machineMarkdown(machine)}\n`);
  writeIndex();
  progress(`results written to ${RESULTS}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
