import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { duration } from '../format';
import { usePolling } from '../hooks';
import { asRunStatus, type Run } from '../types';
import { CancelRunButton, isCancellable } from './CancelRun';
import { type Column, PagedTable } from './PagedTable';
import { groupByOccurrence, lagMs } from './run-occurrences';
import { RunStatusOptions } from './RunStatusOptions';
import { FAILURES, StatusBadge, statusLabel } from './StatusBadge';
import { Time } from './Time';

const PAGE_SIZE = 20;
const UNFINISHED = new Set(['queued', 'running', 'retry_pending']);
const COLUMNS: Column[] = [
  'Scheduled for',
  'Status',
  'Started',
  { label: 'Lag', title: 'How late the run started: its start minus its scheduled time' },
  'Duration',
  'Attempt',
  'Instance',
  { label: 'Details', hidden: true },
];

/**
 * A job's runs, newest first, one page at a time, the attempts of one occurrence grouped under it;
 * failures stand out and carry their error inline.
 */
export function RunHistory(props: { jobId: number; jobName: string; now: number; fast: boolean; jobVersion: string; onBusy: (busy: boolean) => void }) {
  const { jobId, jobName, now, fast, jobVersion, onBusy } = props;
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const filters = { status: asRunStatus(status), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  // The job's lastRun moving means a new run exists: the key change loads the page at once.
  const runs = usePolling(() => api.listRuns(jobId, filters), `${jobId}-${JSON.stringify(filters)}-${jobVersion}`, fast ? 1000 : 5000);
  const data = runs.data;
  const busy = Boolean(data?.data.some((run) => UNFINISHED.has(run.status)));
  useEffect(() => onBusy(busy), [busy]);

  const toggle = (id: number) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };

  return (
    <section aria-labelledby="runs-title" class="runs">
      <div class="section-header">
        <h2 id="runs-title">Run history</h2>
        <div class="field field--inline">
          <label for="runs-status">Show</label>
          <select
            id="runs-status"
            value={status}
            onChange={(event) => {
              setStatus(event.currentTarget.value);
              setPage(1);
            }}
          >
            <option value="">all runs</option>
            <RunStatusOptions />
          </select>
        </div>
      </div>
      <PagedTable
        loaded={runs}
        noun="runs"
        caption={`Runs of ${jobName}, newest first`}
        class="runs-table"
        columns={COLUMNS}
        empty={status ? `No ${statusLabel(status as Run['status'])} runs.` : 'No runs yet. “Run now” starts one.'}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        rows={(items) =>
          groupByOccurrence(items).map(({ scheduledFor, attempts }) => (
            <tbody class="occurrence" data-scheduled-for={scheduledFor} key={scheduledFor}>
              {attempts.map((run, index) => (
                <RunRows
                  run={run}
                  jobName={jobName}
                  retry={index > 0}
                  now={now}
                  open={open.has(run.id)}
                  onToggle={() => toggle(run.id)}
                  onCancelled={runs.reload}
                  key={run.id}
                />
              ))}
            </tbody>
          ))
        }
      />
    </section>
  );
}

/** A run's row, and its details when open; a retry sits under the attempt before it, in the same occurrence. */
function RunRows(props: { run: Run; jobName: string; retry: boolean; now: number; open: boolean; onToggle: () => void; onCancelled: () => void }) {
  const { run, jobName, retry, now, open, onToggle, onCancelled } = props;
  const failed = FAILURES.includes(run.status);
  const detailsId = `run-${run.id}-details`;
  const lag = lagMs(run);
  const classes = [failed && 'row--failed', retry && 'run--retry'].filter(Boolean).join(' ');
  return (
    <>
      <tr class={classes || undefined} data-run-id={run.id} data-status={run.status}>
        <td data-label="Scheduled for">
          {retry ? (
            <span class="retry-label">
              attempt {run.attempt}
              <span class="visually-hidden"> of the occurrence above</span>
            </span>
          ) : (
            <Time iso={run.scheduledFor} now={now} seconds />
          )}
        </td>
        <td data-label="Status">
          <StatusBadge status={run.status} />
          {failed && run.error && <div class="small error-preview">{firstLine(run.error)}</div>}
        </td>
        <td data-label="Started">{run.startedAt ? <Time iso={run.startedAt} seconds relative={false} /> : <span class="muted">—</span>}</td>
        <td data-label="Lag" class="nowrap">
          {lag === null ? <span class="muted">—</span> : duration(lag)}
        </td>
        <td data-label="Duration" class="nowrap">
          {duration(run.durationMs)}
        </td>
        <td data-label="Attempt">{run.attempt}</td>
        <td data-label="Instance" class="mono small">
          {run.instanceId ?? <span class="muted">—</span>}
        </td>
        <td class="cell-action">
          {isCancellable(run) && <CancelRunButton run={run} label={`“${jobName}”`} onDone={onCancelled} />}
          <button type="button" class="button button--small" aria-expanded={open} aria-controls={detailsId} onClick={onToggle}>
            {open ? 'Hide' : 'Details'}
            <span class="visually-hidden"> of run {run.id}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr class="details-row" id={detailsId}>
          <td colSpan={8}>
            <dl class="settings">
              <dt>Run</dt>
              <dd>
                {run.id}, attempt {run.attempt}
              </dd>
              {run.finishedAt && (
                <>
                  <dt>Finished</dt>
                  <dd>
                    <Time iso={run.finishedAt} seconds relative={false} />
                  </dd>
                </>
              )}
              {run.runAt && run.status === 'retry_pending' && (
                <>
                  <dt>Retry at</dt>
                  <dd>
                    <Time iso={run.runAt} seconds now={now} />
                  </dd>
                </>
              )}
              <dt>Error</dt>
              <dd>{run.error ? <pre class="code-block code-block--error">{run.error}</pre> : <span class="muted">none</span>}</dd>
              <dt>Output</dt>
              <dd>{run.output ? <pre class="code-block">{run.output}</pre> : <span class="muted">none</span>}</dd>
            </dl>
          </td>
        </tr>
      )}
    </>
  );
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
