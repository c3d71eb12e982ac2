import type { CounterStore, HitCount } from './counter-store';

/** Counters of this instance alone: without Redis, or while it is unreachable. */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private lastSweep = 0;

  async hit(key: string, windowMs: number): Promise<HitCount> {
    const now = Date.now();
    this.sweep(now, windowMs);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return { hits: window.hits, resetInMs: window.endsAt - now };
  }

  /** Forgets ended windows once per window, so that clients seen once do not accumulate. */
  private sweep(now: number, windowMs: number): void {
    if (now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
