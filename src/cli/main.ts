#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type RunResponse, runResponseStatusValues } from '../api-client/api-types';
import { CliError, EXIT } from './exit-codes';
import { describeApply, describeJobs, describeRuns } from './output';
import { SchedulerClient } from './scheduler-client';

const DEFAULT_URL = 'http://localhost:3000';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}

function readDocument(file: string): { text: string; format: 'yaml' | 'json' } {
  try {
    return { text: file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'), format: extname(file).toLowerCase() === '.json' ? 'json' : 'yaml' };
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
}

function buildProgram(print: (text: string) => void, setExitCode: (code: number) => void): Command {
  const program = new Command('job-scheduler')
    .description('Manage the jobs of a job scheduler service through its REST API.')
    .addOption(new Option('--url <url>', 'the service').env('SCHEDULER_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'an API key or OIDC token').env('SCHEDULER_TOKEN'))
    .exitOverride()
    .showHelpAfterError();
  const client = () => {
    const { url, token } = program.opts<{ url: string; token?: string }>();
    return new SchedulerClient(url, token);
  };

  program
    .command('apply')
    .description('make the service match a jobs document (YAML, or JSON for a .json file; - reads stdin)')
    .requiredOption('-f, --file <file>', 'the document')
    .option('--dry-run', 'show the plan and change nothing; exits 5 when the service differs', false)
    .option('--prune', 'also delete the jobs the document does not name', false)
    .action(async (options: { file: string; dryRun: boolean; prune: boolean }) => {
      const { text, format } = readDocument(options.file);
      const result = await client().applyJobs(text, format, { dryRun: options.dryRun, prune: options.prune });
      print(describeApply(result));
      const pending = result.created.length + result.changed.length + result.deleted.length > 0;
      if (options.dryRun && pending) setExitCode(EXIT.changesPending);
    });

  program
    .command('export')
    .description('print every job as a jobs document (secrets only with an admin token)')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action(async (options: { format: 'yaml' | 'json' }) => {
      print((await client().exportJobs(options.format)).trimEnd());
    });

  program
    .command('list')
    .description('list the jobs')
    .option('--tag <tag>', 'only the jobs carrying this tag')
    .option('--limit <n>', 'at most this many (1-100)', positiveInteger, 100)
    .action(async (options: { tag?: string; limit: number }) => {
      const page = await client().listJobs({ tag: options.tag, limit: options.limit });
      print(describeJobs(page.data));
    });

  program
    .command('runs')
    .description("show a job's latest runs, newest first")
    .argument('<job>', 'the job, by name or id')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(runResponseStatusValues))
    .option('--limit <n>', 'at most this many (1-100)', positiveInteger, 20)
    .action(async (reference: string, options: { status?: RunResponse['status']; limit: number }) => {
      const api = client();
      const job = await api.findJob(reference);
      print(describeRuns((await api.listRuns(job.id, options)).data));
    });

  program
    .command('run')
    .description('run a job now')
    .argument('<job>', 'the job, by name or id')
    .action(async (reference: string) => {
      const api = client();
      const job = await api.findJob(reference);
      const run = await api.runJob(job.id);
      print(`run ${run.id} of "${job.name}" requested`);
    });

  return program;
}

/** Runs the CLI on `argv` (without node and the script); resolves with the exit status. */
export async function runCli(argv: string[], print = (text: string) => console.log(text), printError = (text: string) => console.error(text)): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(print, (code) => (exitCode = code));
  program.configureOutput({ writeOut: (text) => print(text.trimEnd()), writeErr: (text) => printError(text.trimEnd()) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      printError(`error: ${error.message}`);
      return error.exitCode;
    }
    printError(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
