/** Median, min and max of repeated measurements: every figure the harness reports is one of these. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function summarise(values: number[]): Summary {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, values };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

/** Nearest-rank percentile of values sorted ascending. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "4,712 (4,650–4,801)": the median, then the range over the repetitions. */
export function formatSummary(summary: Summary, digits = 0, unit = ''): string {
  if (!Number.isFinite(summary.median)) return 'n/a';
  const f = (value: number) => `${formatNumber(value, digits)}${unit}`;
  return summary.values.length > 1 ? `${f(summary.median)} (${f(summary.min)}–${f(summary.max)})` : f(summary.median);
}

/** Ratios are formatted with two significant decimals: "0.47×". */
export function formatRatio(summary: Summary): string {
  return formatSummary(summary, 2, '×');
}
