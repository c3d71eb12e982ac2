import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { JobTypeRegistry } from '../job-types/job-type.registry';
import { Clock } from '../clock/clock';
import { Metrics } from '../observability/metrics';
import { InFlightRuns } from './in-flight-runs';
import { LocalRuns } from './local-runs';
import { RunExecutor } from './run-executor';
import type { RunStore } from './run-store';
import type { FinishResult } from './sql/finish-run';

const run = {
  id: 7,
  jobId: 3,
  jobName: 'no-op',
  type: 'log',
  params: {},
  scheduledFor: new Date('2026-12-02T10:00:00Z'),
  attempt: 1,
  startedAt: new Date('2026-12-02T10:00:00Z'),
  timeoutMs: 60_000,
  retryBackoffMs: 1_000,
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Found by the precision suite's drain (issue 19): a slot stayed taken until the run's outcome was
 * written, so with concurrency equal to the batch (the defaults) every claim waited for the grouped
 * write of the previous batch's outcomes, and a drain ran at about a fifth of the plain-SQL loop.
 */
describe('LocalRuns', () => {
  it('frees a slot once the job has run, while its outcome is still being written', async () => {
    let record!: (result: FinishResult) => void;
    const finish = jest.fn(() => new Promise<FinishResult>((resolve) => (record = resolve)));
    const types = { get: () => ({ execute: () => Promise.resolve('done') }) } as unknown as JobTypeRegistry;
    const metrics = new Metrics();
    const logger = { logger: pino({ enabled: false }) } as unknown as PinoLogger;
    const executor = new RunExecutor(types, { finish } as unknown as RunStore, { id: 'instance-a' }, metrics, new Clock(), logger);
    const inFlight = new InFlightRuns();
    const local = new LocalRuns(executor, inFlight, metrics);
    const freed = jest.fn();
    local.onSlotFreed(freed);

    const done = local.start(run);
    expect(local.size).toBe(1);
    await turn();
    await turn();

    expect(finish).toHaveBeenCalledTimes(1);
    expect(local.size).toBe(0);
    expect(freed).toHaveBeenCalledTimes(1);
    // Still in flight until recorded: its lease is renewed and shutdown waits for it.
    expect(inFlight.has(run.id)).toBe(true);

    record({ recorded: true, retryRunId: null });
    await done;
    expect(inFlight.size).toBe(0);
    expect(local.size).toBe(0);
    expect(freed).toHaveBeenCalledTimes(1);
  });
});
