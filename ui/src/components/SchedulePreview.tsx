import { hasSecondsField } from '../format';
import type { SchedulePreviewAnswer } from '../hooks';
import { Time, ZoneTime } from './Time';

/** The next five occurrences of what is typed, from GET /schedules/preview: the service's own reading of it. */
export function SchedulePreview({ schedule, answer }: { schedule: string; answer: SchedulePreviewAnswer | undefined }) {
  const preview = schedule ? answer : undefined;
  const seconds = preview ? hasSecondsField(preview.schedule) : false;
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title" class="preview-title">
        Next 5 runs
      </h2>
      {!schedule && <p class="muted small">Type a schedule to see when it runs.</p>}
      {schedule && !preview && <p class="muted small">Working it out…</p>}
      {preview && 'error' in preview && (
        <p class="preview-problem small" role="status">
          No runs to show:{' '}
          {preview.error.fields.length ? preview.error.fields.map((problem) => `${problem.field}: ${problem.message}`).join('; ') : preview.error.message}
        </p>
      )}
      {preview && 'occurrences' in preview && (
        <ol class="preview-list" aria-live="polite">
          {preview.occurrences.map((iso) => (
            <li key={iso}>
              <Time iso={iso} seconds={seconds} />
              <ZoneTime iso={iso} zone={preview.timezone} seconds={seconds} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
