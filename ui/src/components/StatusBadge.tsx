import type { JSX } from 'preact';
import type { RunStatus } from '../types';

/**
 * Colour is never the only cue: each status has a symbol and its name as text. The symbols are inline
 * SVG, not characters: a character depends on the fonts installed (U+23F1, a stopwatch, was an empty
 * box in Debian's Chromium), a path is drawn the same by every browser.
 */
const LOOK: Record<RunStatus, { icon: JSX.Element; label: string }> = {
  succeeded: { icon: <path d="M3 8.5l3.2 3.2L13 4.8" />, label: 'succeeded' },
  failed: { icon: <path d="M4 4l8 8M12 4l-8 8" />, label: 'failed' },
  timed_out: {
    icon: (
      <>
        <circle cx="8" cy="9.2" r="5.3" />
        <path d="M8 9.2V6.4M6.3 1.8h3.4M8 1.8v2.1" />
      </>
    ),
    label: 'timed out',
  },
  abandoned: { icon: <path d="M8 2.5v7M8 13.2v.3" />, label: 'abandoned' },
  skipped: { icon: <path d="M3 4l4 4-4 4M9 4l4 4-4 4" />, label: 'skipped' },
  retry_pending: { icon: <path d="M13 8a5 5 0 1 1-1.6-3.7M13 2.3v2.9h-2.9" />, label: 'retry pending' },
  running: { icon: <circle cx="8" cy="8" r="4" fill="currentColor" />, label: 'running' },
  queued: { icon: <circle cx="8" cy="8" r="4" />, label: 'queued' },
  cancelled: { icon: <rect x="4.5" y="4.5" width="7" height="7" rx="1" />, label: 'cancelled' },
};

export const FAILURES: readonly RunStatus[] = ['failed', 'timed_out', 'abandoned'];

export function statusLabel(status: RunStatus): string {
  return LOOK[status]?.label ?? status;
}

export function StatusBadge({ status }: { status: RunStatus | null }) {
  if (status === null) return <span class="badge badge--none">never run</span>;
  const look = LOOK[status];
  return (
    <span class={`badge badge--${status}`} data-status={status}>
      {look && (
        <svg class="badge-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          {look.icon}
        </svg>
      )}
      {look?.label ?? status}
    </span>
  );
}
