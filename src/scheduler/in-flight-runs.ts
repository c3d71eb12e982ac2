import { Injectable } from '@nestjs/common';
import { RunInterruption } from './run-interruption';

interface InFlightRun {
  controller: AbortController;
  done: Promise<void>;
}

/** The runs this instance is executing now, with the means to interrupt them. */
@Injectable()
export class InFlightRuns {
  private readonly runs = new Map<number, InFlightRun>();

  get size(): number {
    return this.runs.size;
  }

  ids(): number[] {
    return [...this.runs.keys()];
  }

  has(id: number): boolean {
    return this.runs.has(id);
  }

  add(id: number, controller: AbortController, done: Promise<void>): void {
    this.runs.set(id, { controller, done });
    void done.finally(() => this.runs.delete(id));
  }

  interrupt(id: number, reason: RunInterruption): void {
    this.runs.get(id)?.controller.abort(reason);
  }

  /** Aborts a run cancelled through the API (its status says so already), if this instance executes it. */
  cancel(id: number): void {
    this.interrupt(id, new RunInterruption('cancelled', 'the run was cancelled through the API'));
  }

  /** Resolves when every run in flight now has finished, or after `timeoutMs`, whichever is first. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.runs.values()].map((run) => run.done)), timeout]);
    clearTimeout(timer);
  }
}
