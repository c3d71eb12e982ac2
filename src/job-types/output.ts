/** Runs keep at most this much output or error text; the rest is cut with a marker. */
export const MAX_OUTPUT_CHARS = 4096;

export function truncate(text: string, max = MAX_OUTPUT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
