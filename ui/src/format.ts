// Times are shown in the viewer's own time zone and language, with a relative form beside them.
import cronstrue from 'cronstrue';

/** A 6-field expression fires on given seconds: its times are shown with seconds, or five of them could read alike. */
export function hasSecondsField(expression: string | null): boolean {
  return expression !== null && expression.trim().split(/\s+/).length === 6;
}

/** The expression in words; "once" for a one-off job (null). */
export function describeSchedule(expression: string | null): string | undefined {
  if (expression === null) return 'once, at its next run';
  try {
    return cronstrue.toString(expression.trim(), { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return undefined;
  }
}

const sameYear = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const otherYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const withSeconds = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** "Mon, 24 Nov, 10:00" in the viewer's zone; with seconds for run times, where they matter. */
export function localTime(iso: string, options: { seconds?: boolean } = {}): string {
  const date = new Date(iso);
  if (options.seconds) return withSeconds.format(date);
  return (date.getFullYear() === new Date().getFullYear() ? sameYear : otherYear).format(date);
}

export function fullTime(iso: string): string {
  return full.format(new Date(iso));
}

export const VIEWER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The same instant on the clock of another zone: "09:00 AM", or "09:00:05 AM" with seconds. */
export function timeInZone(iso: string, timeZone: string, options: { seconds?: boolean } = {}): string {
  try {
    const second = options.seconds ? '2-digit' : undefined;
    return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second, timeZone }).format(new Date(iso));
  } catch {
    return '(a zone this browser does not know)';
  }
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "in 3 min", "2 hr. ago", "now". */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return relativeFormat.format(0, 'second');
  if (abs < 60) return relativeFormat.format(seconds, 'second');
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86400), 'day');
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function milliseconds(ms: number): string {
  return ms % 1000 === 0 ? `${(ms / 1000).toLocaleString()} s` : `${ms.toLocaleString()} ms`;
}
