/** Requests counted for one client in the current window, and when the window ends. */
export interface HitCount {
  hits: number;
  resetInMs: number;
}

/** Fixed-window counters: the first hit of a key starts its window of `windowMs`. */
export interface CounterStore {
  hit(key: string, windowMs: number): Promise<HitCount>;
}
