import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { OwnedPostgres } from './owned-postgres';
import { resultsMarkdown, resultsTable } from './report';
import { runScenario, type ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

const RESULTS = resolve(__dirname, '../results/faults.md');
/** `npm run faults` builds the service into dist-faults/ first (apart from dist/, which `npm test` rebuilds). */
const BUILD = resolve(process.env.FAULTS_BUILD ?? resolve(__dirname, '../../dist-faults'));

/**
 * `npm run faults` runs every scenario; `npm run faults -- <name> [<name>...]` only those;
 * `--short` runs the short versions that `npm test` runs.
 */
async function main(): Promise<number> {
  const mode = process.argv.includes('--short') ? 'short' : 'full';
  const names = process.argv.slice(2).filter((argument) => argument !== '--short');
  const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; the scenarios are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((scenario) => names.includes(scenario.name)) : SCENARIOS;
  const started = Date.now();
  console.log('starting the suite\'s PostgreSQL');
  const postgres = await OwnedPostgres.start(BUILD);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      console.log(`\n== ${scenario.name}: ${scenario.title}`);
      const result = await runScenario(scenario, { postgres, build: BUILD, mode, log: (message) => console.log(`   ${message}`) });
      for (const item of result.checks) console.log(`   ${item.ok ? 'ok    ' : 'FAILED'} ${item.what}: ${item.detail}`);
      console.log(`   slowest occurrence to succeed: ${result.counts.worstRecoveryHistory || 'none'}`);
      console.log(`   ${result.passed ? 'passed' : 'FAILED'} in ${result.seconds} s`);
      results.push(result);
    }
  } finally {
    await postgres.close();
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${resultsTable(results)}\n\n${totalSeconds} s in all`);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
  mkdirSync(resolve(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, resultsMarkdown(results, machine, totalSeconds));
  console.log(`written to ${RESULTS}`);
  return results.every((result) => result.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
