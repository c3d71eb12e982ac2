/** An error as one line, for progress messages. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join(' | ');
  return String(error);
}
