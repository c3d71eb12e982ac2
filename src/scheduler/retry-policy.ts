const MAX_DELAY_MS = 86_400_000;

/** Exponential backoff: the base delay before attempt 2, doubled for each attempt after it. */
export function retryDelayMs(baseMs: number, failedAttempt: number): number {
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** (failedAttempt - 1));
}
