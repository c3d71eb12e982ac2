/** A valid job body with sensible defaults; each call gets a unique name. */
let sequence = 0;
export function makeJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return { name: `job ${process.pid}-${sequence}`, schedule: '0 9 * * *', ...overrides };
}
