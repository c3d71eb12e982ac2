const POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The process group a command was started in (spawned with `detached: true`, the command leads a
 * group of its own, and whatever it starts joins it): signalled as a whole, so that a timeout or a
 * shutdown ends `sh -c 'sleep 1 & sleep 2'` and not only `sh`.
 */
export class ProcessGroup {
  private ending?: Promise<void>;

  constructor(readonly id: number) {}

  /** Whether any process of the group is left. */
  get alive(): boolean {
    return this.signal(0);
  }

  /**
   * SIGTERM to the whole group, then SIGKILL to what is left after `graceMs`. Resolves once the
   * group is gone, or right after the SIGKILL (a killed process that nobody reaps stays a zombie, and
   * still counts as a member). Calling it again returns the same promise.
   */
  end(graceMs: number): Promise<void> {
    this.ending ??= this.terminate(graceMs);
    return this.ending;
  }

  private async terminate(graceMs: number): Promise<void> {
    if (!this.signal('SIGTERM')) return;
    for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(POLL_MS)) {
      if (!this.alive) return;
    }
    this.signal('SIGKILL');
  }

  /** Sends `signal` to every process of the group; false when none is left. */
  private signal(signal: NodeJS.Signals | 0): boolean {
    try {
      process.kill(-this.id, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }
}
