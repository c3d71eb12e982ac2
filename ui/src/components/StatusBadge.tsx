import type { RunStatus } from '../types';

// Colour is never the only cue: each status has a symbol and its name as text.
const LOOK: Record<RunStatus, { symbol: string; label: string }> = {
  succeeded: { symbol: '✓', label: 'succeeded' },
  failed: { symbol: '✕', label: 'failed' },
  timed_out: { symbol: '⏱', label: 'timed out' },
  abandoned: { symbol: '!', label: 'abandoned' },
  skipped: { symbol: '↷', label: 'skipped' },
  retry_pending: { symbol: '↻', label: 'retry pending' },
  running: { symbol: '●', label: 'running' },
  queued: { symbol: '○', label: 'queued' },
};

export const FAILURES: readonly RunStatus[] = ['failed', 'timed_out', 'abandoned'];

export function statusLabel(status: RunStatus): string {
  return LOOK[status]?.label ?? status;
}

export function StatusBadge({ status }: { status: RunStatus | null }) {
  if (status === null) return <span class="badge badge--none">never run</span>;
  const look = LOOK[status] ?? { symbol: '?', label: status };
  return (
    <span class={`badge badge--${status}`} data-status={status}>
      <span aria-hidden="true">{look.symbol}</span> {look.label}
    </span>
  );
}
