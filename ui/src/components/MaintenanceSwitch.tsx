import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { flash } from '../flash';
import { usePolling } from '../hooks';
import type { SchedulerState } from '../types';
import { Time } from './Time';

export interface Maintenance {
  state: SchedulerState | undefined;
  busy: boolean;
  toggle: () => void;
}

/** The scheduler-wide maintenance switch, read every few seconds, and the means to flip it. */
export function useMaintenance(): Maintenance {
  const loaded = usePolling(() => api.getScheduler(), 'scheduler', 5000);
  const [busy, setBusy] = useState(false);
  const paused = loaded.data?.paused;
  const toggle = async () => {
    setBusy(true);
    try {
      await (paused ? api.resumeScheduler() : api.pauseScheduler());
      flash(paused ? 'Scheduler resumed' : 'Scheduler paused: nothing new starts until it is resumed');
      loaded.reload();
    } catch (error) {
      flash(`Could not ${paused ? 'resume' : 'pause'} the scheduler: ${error instanceof ApiError ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return { state: loaded.data, busy, toggle: () => void toggle() };
}

/** In the top bar while the scheduler runs. */
export function PauseButton({ maintenance }: { maintenance: Maintenance }) {
  if (!maintenance.state || maintenance.state.paused) return null;
  return (
    <button type="button" class="link-button" disabled={maintenance.busy} onClick={maintenance.toggle}>
      Pause scheduler
    </button>
  );
}

/** On every page while paused: then nothing starts anywhere, which should not go unnoticed. */
export function PausedBanner({ maintenance }: { maintenance: Maintenance }) {
  if (!maintenance.state?.paused) return null;
  const { changedAt, changedBy } = maintenance.state;
  return (
    <div class="banner banner--paused" role="status" data-testid="paused-banner">
      <p>
        <strong>The scheduler is paused</strong>
        {changedAt && (
          <>
            {' '}
            since <Time iso={changedAt} seconds />
          </>
        )}
        {changedBy && <> by {changedBy}</>}: no job starts on any instance until it is resumed.
      </p>
      <button type="button" class="button" disabled={maintenance.busy} onClick={maintenance.toggle}>
        Resume scheduler
      </button>
    </div>
  );
}
