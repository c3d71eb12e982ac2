import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CronSchedule } from '../../src/schedules/cron-schedule';
import { cronExpression } from '../../test/support/cron-arbitraries';
import { CronOracle, zoneChanges } from '../../test/support/cron-oracle';
import type { BenchContext, SuiteReport } from '../lib/context';
import { table } from '../lib/markdown';
import { alternate, defined, ratios } from '../lib/repeat';
import { SCHEDULE_MIX, TIMEZONE_MIX } from '../lib/seed';
import { formatSummary, summarise } from '../lib/stats';

type Next = (after: Date) => Date | null;

/** A candidate engine: compile once per (expression, zone), as the claim path caches it, then compute. */
interface Engine {
  name: string;
  /** The code it adds to the service: its files, or its package and the packages it pulls in. */
  code: string[];
  compile(expression: string, zone: string): Next;
}

const ROOT = resolve(__dirname, '../..');
const ENGINES: Engine[] = [
  {
    name: 'service engine (src/schedules)',
    code: ['civil-time', 'cron-field', 'cron-expression', 'wall-clock-search', 'zone-offsets', 'cron-schedule'].map((file) => `src/schedules/${file}.ts`),
    compile: (expression, zone) => {
      const schedule = new CronSchedule(expression, zone);
      return (after) => schedule.next(after);
    },
  },
  {
    name: 'cron-parser 5.10 (before), reset + next',
    code: ['node_modules/cron-parser/dist', 'node_modules/luxon/build/cjs-browser'],
    compile: (expression, zone) => {
      const iterator = CronExpressionParser.parse(expression, { tz: zone, strict: false });
      return (after) => {
        iterator.reset(after);
        return iterator.hasNext() ? iterator.next().toDate() : null;
      };
    },
  },
  {
    name: "croner 11, fixedTimeRule 'no-wildcard', sloppyRanges",
    code: ['node_modules/croner/dist/croner.cjs'],
    compile: (expression, zone) => {
      // sloppyRanges accepts `5/15`, which the others read as 5-59/15.
      const job = new Cron(expression, { timezone: zone, fixedTimeRule: 'no-wildcard', sloppyRanges: true });
      return (after) => job.nextRun(after);
    },
  },
];

/** The findings of issue 14: [expression, zone, from, the next occurrences cronie's rules give]. */
const FINDINGS: Array<[string, string, string, string[]]> = [
  ['0 * * * *', 'Australia/Lord_Howe', '2026-04-04T14:00:00Z', ['2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z']],
  ['50 * * * *', 'Pacific/Chatham', '2026-04-04T13:05:00Z', ['2026-04-04T14:05:00Z', '2026-04-04T15:05:00Z']],
  ['*/15 * * * *', 'Pacific/Chatham', '2026-04-04T13:40:00Z', ['2026-04-04T13:45:00Z', '2026-04-04T14:00:00Z', '2026-04-04T14:15:00Z']],
  ['5 * * * *', 'Pacific/Chatham', '2026-04-04T13:12:15Z', ['2026-04-04T13:20:00Z']],
  ['*/20 2 * * *', 'America/New_York', '2026-03-08T06:00:00Z', ['2026-03-09T06:00:00Z', '2026-03-09T06:20:00Z']],
  ['30 2 * * *', 'America/New_York', '2026-03-08T06:00:00Z', ['2026-03-08T07:00:00Z']],
  ['30 1 * * *', 'America/New_York', '2026-11-01T06:00:00Z', ['2026-11-02T06:30:00Z']],
  ['0 0 * * 0,7', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z']],
  ['0-10,5 * * * *', 'UTC', '2026-01-01T00:10:00Z', ['2026-01-01T01:00:00Z']],
  ['0 0 */2 * 1', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-05T00:00:00Z', '2026-01-19T00:00:00Z']],
  ['@daily', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z']],
];

const SAMPLES = 300;
const CHAIN = 4;
const HORIZON_MS = 3 * 24 * 3_600_000;
const COMPUTATIONS_PER_PAIR = 60;

/** The next `count` occurrences by chaining `next`, or the error that stopped it. */
function chain(next: Next, from: Date, count: number): Date[] {
  const found: Date[] = [];
  for (let after: Date | null = from; found.length < count; ) {
    after = next(after);
    if (!after) break;
    found.push(after);
  }
  return found;
}

function findingsRight(engine: Engine): number {
  return FINDINGS.filter(([expression, zone, from, expected]) => {
    try {
      const found = chain(engine.compile(expression, zone), new Date(from), expected.length).map((date) => date.toISOString());
      return found.join() === expected.map((instant) => new Date(instant).toISOString()).join();
    } catch {
      return false;
    }
  }).length;
}

interface OracleCounts {
  agree: number;
  disagree: number;
  refused: number;
  example?: string;
}

/** Each engine's chains against the brute-force oracle, on the same random expressions near offset changes. */
function againstOracle(engine: Engine, cases: Array<{ expression: string; zone: string; start: Date }>): OracleCounts {
  const counts: OracleCounts = { agree: 0, disagree: 0, refused: 0 };
  for (const { expression, zone, start } of cases) {
    let next: Next;
    try {
      next = engine.compile(expression, zone);
    } catch {
      counts.refused += 1;
      continue;
    }
    const oracle = new CronOracle(expression, zone);
    let right = true;
    try {
      let after = start;
      for (const occurrence of chain(next, start, CHAIN)) {
        const expected = oracle.next(after, HORIZON_MS);
        if (expected === 'beyond') {
          right = occurrence.getTime() > after.getTime() + HORIZON_MS;
          break;
        }
        if (occurrence.getTime() !== expected.getTime()) {
          right = false;
          counts.example ??= `\`${expression}\` in ${zone} after ${after.toISOString()}: ${occurrence.toISOString()}, oracle ${expected.toISOString()}`;
          break;
        }
        after = occurrence;
      }
    } catch (error) {
      right = false;
      counts.example ??= `\`${expression}\` in ${zone} from ${start.toISOString()}: threw ${String(error)}`;
    }
    if (right) counts.agree += 1;
    else counts.disagree += 1;
  }
  return counts;
}

/** The dispatch suite's mix of schedules and zones, 100 (schedule, zone) pairs. */
function dispatchPairs(): Array<[string, string]> {
  const expand = (mix: [string, number][]) => mix.flatMap(([value, weight]) => Array<string>(weight).fill(value));
  const [schedules, zones] = [expand(SCHEDULE_MIX), expand(TIMEZONE_MIX)];
  return schedules.map((schedule, index) => [schedule, zones[(index * 37) % zones.length]]);
}

/**
 * Nanoseconds per computation as the claim path makes them: each pair compiled once, then chained
 * from its previous occurrence, from 2026-03-01 on (through the March changes), without the
 * answer cache NextRunCalculator adds on top.
 */
function costPerNext(engine: Engine): { nextNs: number; compileUs: number } {
  const pairs = dispatchPairs();
  // One untimed pass first: what a zone costs once (the service engine reads a year of offsets) is not per computation.
  chainAll(pairs.map(([schedule, zone]) => engine.compile(schedule, zone)));
  let started = process.hrtime.bigint();
  const compiled = pairs.map(([schedule, zone]) => engine.compile(schedule, zone));
  const compileUs = Number(process.hrtime.bigint() - started) / 1_000 / pairs.length;
  started = process.hrtime.bigint();
  const computations = chainAll(compiled);
  return { nextNs: Number(process.hrtime.bigint() - started) / computations, compileUs };
}

/** Chains every compiled schedule from 2026-03-01; how many computations that made. */
function chainAll(compiled: Next[]): number {
  let computations = 0;
  for (const next of compiled) {
    let after: Date | null = new Date('2026-03-01T00:00:00Z');
    for (let index = 0; index < COMPUTATIONS_PER_PAIR && after; index += 1, computations += 1) after = next(after);
  }
  return computations;
}

function codeSize(paths: string[]): { files: number; kB: number } {
  const files = paths.flatMap(function walk(path: string): string[] {
    const full = join(ROOT, path);
    return statSync(full).isDirectory() ? readdirSync(full).flatMap((entry) => walk(join(path, entry))) : /\.(c?js|ts)$/.test(path) ? [full] : [];
  });
  const bytes = files.reduce((total, file) => total + readFileSync(file).length, 0);
  return { files: files.length, kB: Math.round(bytes / 1024) };
}

const range = (values: number[], digits = 0) => formatSummary(summarise(values), digits);

export async function cronSuite(context: BenchContext): Promise<SuiteReport> {
  const changes = zoneChanges(new Date('2026-01-01T00:00:00Z'), new Date('2031-01-01T00:00:00Z'));
  const near = fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 3600, max: 3 * 3600 }));
  const cases = fc
    .sample(fc.tuple(cronExpression, near), { seed: 14, numRuns: SAMPLES })
    .map(([expression, [change, seconds]]) => ({ expression, zone: change.zone, start: new Date(change.at + seconds * 1000) }));
  const correctness = ENGINES.map((engine) => ({ engine, findings: findingsRight(engine), oracle: againstOracle(engine, cases), size: codeSize(engine.code) }));

  const trials = ENGINES.map((engine) => ({ key: engine.name, run: () => Promise.resolve(costPerNext(engine)) }));
  const measured = await alternate(trials, context.options.reps);
  const service = measured.get(ENGINES[0].name)!.map((result) => result?.nextNs);

  const rows = correctness.map(({ engine, findings, oracle, size }) => {
    const results = defined(measured.get(engine.name)!);
    const own = measured.get(engine.name)!.map((result) => result?.nextNs);
    return [
      engine.name,
      `${findings} of ${FINDINGS.length}`,
      `${oracle.agree} agree, ${oracle.disagree} disagree, ${oracle.refused} refused`,
      range(results.map((result) => result.nextNs)),
      range(results.map((result) => result.compileUs), 1),
      `${range(ratios(own, service), 1)}×`,
      `${size.files} files, ${size.kB} kB`,
    ];
  });
  const examples = correctness.filter(({ oracle }) => oracle.example).map(({ engine, oracle }) => `- ${engine.name}: ${oracle.example}`);
  const markdown = [
    `Correctness first: the ${FINDINGS.length} findings of issue 14 (hourly jobs dying at the Lord Howe and Chatham`,
    `fall-backs, wrong times there, the preview/scheduler disagreement and the repeated hour in New York, classic cron`,
    `refused, the \`*/2\` day rule, macros), then ${SAMPLES} random expressions (test/support/cron-arbitraries.ts, seed 14)`,
    `each started within 3 h of one of the ${changes.length} offset changes of 2026–2030, chained ${CHAIN} times and compared`,
    `with the brute-force oracle of test/support/cron-oracle.ts. Then the cost of one next-occurrence computation as the`,
    `claim path makes it: the dispatch suite's 100 (schedule, zone) pairs, each compiled once and chained`,
    `${COMPUTATIONS_PER_PAIR} times from 2026-03-01, without NextRunCalculator's answer cache; median (min–max) of`,
    `${context.options.reps} interleaved repetitions, the ratio to the service engine taken within each repetition.`,
    '',
    table(
      ['engine', 'issue findings right', 'against the oracle', 'ns per next', 'µs per compile', 'cost to the service engine', 'code'],
      rows,
      ['l', 'r', 'l', 'r', 'r', 'r', 'r'],
    ),
    '',
    ...(examples.length ? ['A first disagreement of each:', '', ...examples] : []),
  ].join('\n');
  return { name: 'cron', markdown, data: { correctness: correctness.map(({ engine, ...rest }) => ({ engine: engine.name, ...rest })), cost: Object.fromEntries(measured) } };
}
