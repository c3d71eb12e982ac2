import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { timeInZone, VIEWER_ZONE } from '../format';
import { Time } from './Time';

type Preview = { schedule: string; timezone: string } & ({ occurrences: string[] } | { problem: string });

/** The next five occurrences of what is typed, from GET /schedules/preview: the service's own reading of it. */
export function SchedulePreview({ schedule, timezone }: { schedule: string; timezone: string }) {
  const [preview, setPreview] = useState<Preview | undefined>();
  useEffect(() => {
    if (!schedule) return setPreview(undefined);
    let current = true;
    api.previewSchedule(schedule, timezone).then(
      (occurrences) => current && setPreview({ schedule, timezone, occurrences }),
      (error: unknown) => {
        if (!current) return;
        const problems = error instanceof ApiError && error.fields.length ? error.fields.map((f) => `${f.field}: ${f.message}`) : [String((error as Error).message)];
        setPreview({ schedule, timezone, problem: problems.join('; ') });
      },
    );
    return () => {
      current = false;
    };
  }, [schedule, timezone]);

  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title" class="preview-title">
        Next 5 runs
      </h2>
      {!schedule && <p class="muted small">Type a schedule to see when it runs.</p>}
      {schedule && !preview && <p class="muted small">Working it out…</p>}
      {preview && 'problem' in preview && (
        <p class="preview-problem small" role="status">
          No runs to show: {preview.problem}
        </p>
      )}
      {preview && 'occurrences' in preview && (
        <ol class="preview-list" aria-live="polite">
          {preview.occurrences.map((iso) => (
            <li key={iso}>
              <Time iso={iso} />
              {preview.timezone !== VIEWER_ZONE && <span class="zone-time">{timeInZone(iso, preview.timezone)} in {preview.timezone}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
