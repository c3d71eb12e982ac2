import { fullTime, localTime, relativeTime, timeInZone, VIEWER_ZONE } from '../format';

/** An instant in the viewer's zone, with its relative form ("in 3 min") unless `relative` is false. */
export function Time({ iso, now, seconds, relative = true }: { iso: string; now?: number; seconds?: boolean; relative?: boolean }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {localTime(iso, { seconds })}
      {relative && <span class="relative"> ({relativeTime(iso, now)})</span>}
    </time>
  );
}

/** The same instant on the clock of the job's zone ("09:30 AM in Asia/Tokyo"), when that is not the viewer's. */
export function ZoneTime({ iso, zone, seconds }: { iso: string; zone: string; seconds?: boolean }) {
  if (zone === VIEWER_ZONE) return null;
  return (
    <span class="zone-time">
      {timeInZone(iso, zone, { seconds })} in {zone}
    </span>
  );
}
