/**
 * Charts as plain SVG strings: no browser, no dependency. Bars show the median with a whisker from
 * min to max over the repetitions.
 */
export interface Bar {
  label: string;
  median: number;
  min: number;
  max: number;
  /** Bars of one group share a colour. */
  group: string;
}

export interface Series {
  label: string;
  points: [number, number][];
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((step) => step * magnitude).find((candidate) => candidate >= value)!;
}

const formatTick = (value: number) =>
  value >= 1000
    ? `${(value / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`
    : value.toLocaleString('en-US', { maximumFractionDigits: value >= 10 ? 0 : 2 });

function colours(groups: string[]): Map<string, string> {
  return new Map([...new Set(groups)].map((group, index) => [group, PALETTE[index % PALETTE.length]]));
}

/** Horizontal bars, one per row: long labels stay readable. */
export function barChart(title: string, unit: string, bars: Bar[], reference?: { value: number; label: string }): string {
  const labelWidth = 300;
  const plotWidth = 460;
  const rowHeight = 26;
  const top = 40;
  const height = top + bars.length * rowHeight + 50;
  const width = labelWidth + plotWidth + 40;
  const max = niceMax(Math.max(...bars.map((bar) => bar.max), (reference?.value ?? 0) * 1.1));
  const x = (value: number) => labelWidth + (value / max) * plotWidth;
  const colour = colours(bars.map((bar) => bar.group));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick += 1) {
    const value = (max / 5) * tick;
    const tx = x(value);
    parts.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 44}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${tx}" y="${height - 30}" text-anchor="middle" fill="#374151">${formatTick(value)}</text>`);
  }
  parts.push(`<text x="${labelWidth + plotWidth / 2}" y="${height - 10}" text-anchor="middle" fill="#374151">${escape(unit)}</text>`);
  bars.forEach((bar, index) => {
    const y = top + index * rowHeight;
    const fill = colour.get(bar.group)!;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(bar.label)}</text>`);
    if (Number.isFinite(bar.median)) {
      parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, x(bar.median) - labelWidth)}" height="${rowHeight - 8}" fill="${fill}" opacity="0.85"/>`);
      parts.push(`<line x1="${x(bar.min)}" y1="${y + 11}" x2="${x(bar.max)}" y2="${y + 11}" stroke="#111827" stroke-width="1.5"/>`);
      parts.push(`<line x1="${x(bar.min)}" y1="${y + 6}" x2="${x(bar.min)}" y2="${y + 16}" stroke="#111827"/>`);
      parts.push(`<line x1="${x(bar.max)}" y1="${y + 6}" x2="${x(bar.max)}" y2="${y + 16}" stroke="#111827"/>`);
      parts.push(`<text x="${x(bar.max) + 6}" y="${y + 15}" fill="#111827">${formatTick(bar.median)}</text>`);
    } else {
      parts.push(`<text x="${labelWidth + 6}" y="${y + 15}" fill="#6b7280">not measured</text>`);
    }
  });
  if (reference) {
    const rx = x(reference.value);
    parts.push(`<line x1="${rx}" y1="${top - 6}" x2="${rx}" y2="${height - 44}" stroke="#dc2626" stroke-dasharray="5,4" stroke-width="1.5"/>`);
    parts.push(`<text x="${rx - 4}" y="${top - 10}" text-anchor="end" fill="#dc2626">${escape(reference.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Lines over a numeric x axis (RSS over time, for instance). */
export function lineChart(title: string, xUnit: string, yUnit: string, series: Series[]): string {
  const width = 800;
  const height = 360;
  const left = 70;
  const right = 220;
  const top = 40;
  const bottom = 50;
  const all = series.flatMap((line) => line.points);
  const maxX = niceMax(Math.max(...all.map(([px]) => px), 1));
  const maxY = niceMax(Math.max(...all.map(([, py]) => py), 1));
  const x = (value: number) => left + (value / maxX) * (width - left - right);
  const y = (value: number) => height - bottom - (value / maxY) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  // Few whole-numbered x values (instances): a tick on each, none in between.
  const discrete = maxX <= 10 && all.every(([px]) => Number.isInteger(px));
  const xTicks = discrete ? Array.from({ length: maxX + 1 }, (_, index) => index) : [0, 1, 2, 3, 4, 5].map((tick) => (maxX / 5) * tick);
  for (const vx of xTicks) {
    parts.push(`<line x1="${x(vx)}" y1="${top}" x2="${x(vx)}" y2="${height - bottom}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${x(vx)}" y="${height - bottom + 16}" text-anchor="middle" fill="#374151">${formatTick(vx)}</text>`);
  }
  for (let tick = 0; tick <= 5; tick += 1) {
    const vy = (maxY / 5) * tick;
    parts.push(`<line x1="${left}" y1="${y(vy)}" x2="${width - right}" y2="${y(vy)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${left - 6}" y="${y(vy) + 4}" text-anchor="end" fill="#374151">${formatTick(vy)}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle" fill="#374151">${escape(xUnit)}</text>`);
  parts.push(`<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" fill="#374151" transform="rotate(-90 16 ${(top + height - bottom) / 2})">${escape(yUnit)}</text>`);
  series.forEach((line, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const path = line.points.map(([px, py], point) => `${point === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    if (discrete) {
      for (const [px, py] of line.points) {
        parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="4" fill="${colour}"/>`);
        parts.push(`<text x="${(x(px) + 8).toFixed(1)}" y="${(y(py) - 6).toFixed(1)}" fill="${colour}">${formatTick(py)}</text>`);
      }
    }
    parts.push(`<rect x="${width - right + 50}" y="${top + index * 20}" width="12" height="12" fill="${colour}"/>`);
    parts.push(`<text x="${width - right + 68}" y="${top + index * 20 + 11}">${escape(line.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
