import type { BenchContext, SuiteReport } from '../lib/context';
import { EMPTY_TEMPLATE } from '../lib/database';
import { progress, sleep } from '../lib/log';
import { table } from '../lib/markdown';
import { alternate, defined } from '../lib/repeat';
import { BenchProcess } from '../lib/service';
import { formatSummary, summarise } from '../lib/stats';
import type { LagResult } from './lag';

const SETTLE_MS = 20_000;
const TARGET_MB = 150;

/** RSS of a fresh instance with nothing to do, SETTLE_MS after it answers. */
async function idleRss(context: BenchContext, repetition: number): Promise<number> {
  const name = `bench_idle_${repetition}`;
  const url = await context.database.clone(EMPTY_TEMPLATE, name);
  const instance = context.processes.add(await BenchProcess.service(`idle-${repetition + 1}`, { DATABASE_URL: url }));
  try {
    await sleep(SETTLE_MS);
    const rss = instance.rss();
    progress(`  idle RSS ${rss.toFixed(0)} MB`);
    return rss;
  } finally {
    await instance.stop();
    await context.database.drop(name);
  }
}

export async function memorySuite(context: BenchContext): Promise<SuiteReport> {
  const idle = defined((await alternate([{ key: 'idle instance', run: (repetition) => idleRss(context, repetition) }], context.options.reps)).get('idle instance')!);
  const rows: string[][] = [['idle, 20 s after start', formatSummary(summarise(idle), 0, ' MB'), `${idle.length} fresh instances`]];
  const notRun = (suite: string) => `not measured in this run (\`npm run bench -- ${suite} memory\`)`;
  const afterApi = context.shared.get('rssAfterApi') as number[] | undefined;
  rows.push(['after the API suite (service, and service + Redis)', afterApi ? afterApi.map((mb) => `${mb.toFixed(0)} MB`).join(', ') : notRun('api'), afterApi ? 'one instance each, after all its load' : '']);
  const afterDrain = context.shared.get('rssAfterDrain') as number[] | undefined;
  rows.push([
    'after draining 100,000 jobs (batch 100, concurrency 400, 1 instance)',
    afterDrain ? formatSummary(summarise(afterDrain), 0, ' MB') : notRun('dispatch'),
    afterDrain ? `${afterDrain.length} drains` : '',
  ]);
  const lag = context.shared.get('lag') as { seconds: number; results: LagResult[] } | undefined;
  if (lag && lag.results.length > 0) {
    const end = lag.results.flatMap((result) => result.rssEndMb);
    const growth = lag.results.flatMap((result) => {
      const first = result.rssSamples.find((sample) => sample.seconds >= Math.min(10, lag.seconds / 3)) ?? result.rssSamples[0];
      return result.rssEndMb.map((mb, index) => mb - first.rssMb[index]);
    });
    rows.push([`after the lag suite (${lag.seconds} s of 2,000 runs a second)`, formatSummary(summarise(end), 0, ' MB'), `${end.length} instances`]);
    rows.push([`growth during the lag suite, from ${Math.min(10, lag.seconds / 3)} s to the end`, formatSummary(summarise(growth), 0, ' MB'), '']);
  } else {
    rows.push(['after the lag suite', notRun('lag'), '']);
  }
  const idleMedian = summarise(idle).median;
  const markdown = [
    `Resident set size (VmRSS) of service processes (NODE_ENV=production, LOG_LEVEL=warn, default settings). Target: idle under ${TARGET_MB} MB, ${idleMedian < TARGET_MB ? 'met' : 'missed'} (median ${idleMedian.toFixed(0)} MB). ${lag ? `The lag run lasted ${lag.seconds} s${lag.seconds < 600 ? '; `npm run bench -- lag memory --long` runs it for 10 minutes' : ' (`--long`)'}.` : ''}`,
    '',
    table(['when', 'RSS', 'over'], rows, ['l', 'r', 'l']),
    '',
    lag ? '![RSS during the lag suite](lag-rss.svg)' : '',
  ].join('\n');
  return { name: 'memory', markdown, data: { idle, afterApi, afterDrain, lag: lag?.results.map((result) => ({ rssSamples: result.rssSamples, rssEndMb: result.rssEndMb })) } };
}
