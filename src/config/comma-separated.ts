/** "a, b,,c" → ["a", "b", "c"]. */
export function commaSeparated(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
