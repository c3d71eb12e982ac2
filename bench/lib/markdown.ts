/** A markdown table from a header row and body rows; cells are strings already formatted. */
export function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, index) => ((align[index] ?? (index === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
