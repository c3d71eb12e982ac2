import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { redactUrl } from '../../src/database/redact-url';
import { AMQP_URL, brokerReachable } from './fault-cluster';
import { OwnedPostgres } from './owned-postgres';
import { resultsMarkdown, resultsTable } from './report';
import { runScenario, type ScenarioResult } from './scenario';
import { missingTopologyPrograms } from './patroni-topology';
import { LEADER_CHANGE_SCENARIOS, SCENARIOS } from './scenarios';

const ALL = [...SCENARIOS, ...LEADER_CHANGE_SCENARIOS];

/** The full run's table is published; a short run's goes with the logs, and so does a run of some scenarios only. */
const RESULTS = { full: resolve(__dirname, '../results/faults.md'), short: resolve(__dirname, '../results/tmp/faults-short.md') };
const PARTIAL_RESULTS = resolve(__dirname, '../results/tmp/faults-partial.md');
/** `npm run faults` builds the service into dist-faults/ first (apart from dist/, which `npm test` rebuilds). */
const BUILD = resolve(process.env.FAULTS_BUILD ?? resolve(__dirname, '../../dist-faults'));

/**
 * `npm run faults` runs every scenario in inline mode, then in broker mode (skipped when RabbitMQ does
 * not answer); `npm run faults -- <name> [<name>...]` only those; `--inline` or `--broker` one mode;
 * `--short` the short versions that `npm test` runs.
 */
async function main(): Promise<number> {
  const flags = process.argv.slice(2).filter((argument) => argument.startsWith('--'));
  const names = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
  const unknown = names.filter((name) => !ALL.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; the scenarios are: ${ALL.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const mode = flags.includes('--short') ? 'short' : 'full';
  const notes: string[] = [];
  const chosen = names.length > 0 ? ALL.filter((scenario) => names.includes(scenario.name)) : [...ALL];
  const missing = missingTopologyPrograms();
  if (missing && chosen.some((scenario) => LEADER_CHANGE_SCENARIOS.includes(scenario))) {
    chosen.splice(0, chosen.length, ...chosen.filter((scenario) => !LEADER_CHANGE_SCENARIOS.includes(scenario)));
    notes.push(`The Patroni scenarios skipped: ${missing} not installed (.ci/run installs them from Debian).`);
    console.log(notes[notes.length - 1]);
  }
  const executions = flags.includes('--inline') ? [false] : flags.includes('--broker') ? [true] : [false, true];
  if (executions.includes(true) && !(await brokerReachable())) {
    executions.splice(executions.indexOf(true), 1);
    notes.push(`Broker mode skipped: RabbitMQ does not answer at ${redactUrl(AMQP_URL)} (FAULTS_AMQP_URL).`);
    console.log(notes[notes.length - 1]);
  }
  const started = Date.now();
  console.log("starting the suite's PostgreSQL");
  const postgres = await OwnedPostgres.start(BUILD);
  const results: ScenarioResult[] = [];
  try {
    for (const broker of executions) {
      for (const scenario of chosen) {
        console.log(`\n== ${scenario.name}${broker ? ' (broker mode)' : ''}: ${scenario.title}`);
        const context = { postgres, build: BUILD, broker, mode, log: (message: string) => console.log(`   ${message}`) } as const;
        const result = await runScenario(scenario, context, true);
        for (const item of result.checks) console.log(`   ${item.ok ? 'ok    ' : 'FAILED'} ${item.what}: ${item.detail}`);
        console.log(`   slowest occurrence to succeed: ${result.counts.worstRecoveryHistory || 'none'}`);
        console.log(`   ${result.passed ? 'passed' : 'FAILED'} in ${result.seconds} s`);
        results.push(result);
      }
    }
  } finally {
    await postgres.close();
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${resultsTable(results)}\n\n${totalSeconds} s in all`);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
  const file = mode === 'full' && names.length > 0 ? PARTIAL_RESULTS : RESULTS[mode];
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, resultsMarkdown(results, { machine, totalSeconds, mode, notes }));
  console.log(`written to ${file}`);
  return results.every((result) => result.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
