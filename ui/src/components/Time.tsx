import { fullTime, localTime, relativeTime } from '../format';

/** An instant in the viewer's zone, with its relative form ("in 3 min") unless `relative` is false. */
export function Time({ iso, now, seconds, relative = true }: { iso: string; now?: number; seconds?: boolean; relative?: boolean }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {localTime(iso, { seconds })}
      {relative && <span class="relative"> ({relativeTime(iso, now)})</span>}
    </time>
  );
}
