import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { flash } from '../flash';
import type { Run, RunStatus } from '../types';
import { Dialog } from './Dialog';
import { statusLabel } from './StatusBadge';

/** The statuses POST /runs/:id/cancel accepts; any other answers 409. */
const CANCELLABLE: readonly RunStatus[] = ['queued', 'running', 'retry_pending'];

export const isCancellable = (run: Pick<Run, 'status'>) => CANCELLABLE.includes(run.status);

/**
 * "Cancel…" on an unfinished run, a confirmation, then the API's answer as a flash message (its own
 * words for a 404 or a 409) and `onDone`, so the list shows the run as it is now.
 */
export function CancelRunButton({ run, label, onDone }: { run: Pick<Run, 'id' | 'status'>; label: string; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const cancel = async () => {
    setPending(true);
    try {
      const answer = await api.cancelRun(run.id);
      flash(`Run ${answer.id} is ${statusLabel(answer.status)} now.`);
    } catch (error) {
      flash(`Could not cancel run ${run.id}: ${error instanceof ApiError ? error.message : String(error)}`);
    } finally {
      setPending(false);
      setConfirming(false);
      onDone();
    }
  };
  return (
    <>
      <button type="button" class="button button--small button--danger" onClick={() => setConfirming(true)}>
        Cancel…<span class="visually-hidden"> run {run.id}</span>
      </button>
      {confirming && (
        <Dialog open title={`Cancel run ${run.id} of ${label}?`} onClose={() => setConfirming(false)}>
          <p>The run is stopped wherever it runs and ends cancelled; it is not retried.</p>
          <div class="actions">
            {/* Keep running takes the focus when the dialog opens: Enter alone never cancels. */}
            <button type="button" class="button" onClick={() => setConfirming(false)} autoFocus>
              Keep running
            </button>
            <button type="button" class="button button--danger" onClick={() => void cancel()} disabled={pending}>
              {pending ? 'Cancelling…' : 'Cancel run'}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
