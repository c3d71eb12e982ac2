import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { describeSchedule, hasSecondsField, milliseconds } from '../format';
import { flash } from '../flash';
import { useNow, usePolling } from '../hooks';
import { followLink, href, navigate } from '../router';
import type { Job } from '../types';
import { AlertHistory } from './AlertHistory';
import { Breadcrumb } from './Breadcrumb';
import { ChangeHistory } from './ChangeHistory';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { RunHistory } from './RunHistory';
import { StatusBadge } from './StatusBadge';
import { Time, ZoneTime } from './Time';

const REFRESH_MS = 5000;
/** After "Run now" and while a run is unfinished, refresh every second so its outcome shows promptly. */
const BUSY_REFRESH_MS = 1000;
const BOOST_MS = 20_000;

export function JobPage({ id }: { id: number }) {
  const now = useNow(5000);
  const [boostUntil, setBoostUntil] = useState(0);
  const [busy, setBusy] = useState(false);
  const fast = busy || Date.now() < boostUntil;
  const job = usePolling(() => api.getJob(id), `job-${id}`, fast ? BUSY_REFRESH_MS : REFRESH_MS);
  const [pending, setPending] = useState<string | undefined>();
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [confirming, setConfirming] = useState(false);
  const data = job.data;

  useEffect(() => {
    if (data) document.title = `${data.name} · Scheduler`;
  }, [data?.name]);

  const act = async (label: string, action: () => Promise<void>) => {
    setPending(label);
    setActionError(undefined);
    try {
      await action();
    } catch (error) {
      setActionError(error instanceof ApiError ? error : new ApiError(0, String(error)));
    } finally {
      setPending(undefined);
    }
  };

  if (job.error?.status === 404) {
    return (
      <section>
        <h1 tabIndex={-1}>Job not found</h1>
        <p>
          There is no job {id}; it may have been deleted.{' '}
          <a href={href('/')} onClick={(event) => followLink(event, '/')}>
            Back to the jobs
          </a>
        </p>
      </section>
    );
  }
  if (!data) {
    return job.error ? <ErrorBanner error={job.error} prefix="Could not load the job:" onRetry={job.reload} /> : <p class="muted">Loading the job…</p>;
  }

  const runNow = () =>
    act('run', async () => {
      const run = await api.runJob(id);
      setBoostUntil(Date.now() + BOOST_MS);
      flash(`Run ${run.id} queued; it shows in the history below.`);
      job.reload();
    });
  const toggle = () =>
    act('toggle', async () => {
      await api.updateJob(id, { isActive: !data.isActive });
      flash(data.isActive ? `Paused “${data.name}”.` : `Resumed “${data.name}”.`);
      job.reload();
    });
  const remove = () =>
    act('delete', async () => {
      await api.deleteJob(id);
      setConfirming(false);
      flash(`Deleted “${data.name}” and its run history.`);
      navigate('/');
    });

  const description = describeSchedule(data.schedule);
  const seconds = hasSecondsField(data.schedule);
  const editPath = `/jobs/${id}/edit`;

  return (
    <section aria-labelledby="job-title">
      <Breadcrumb trail={[{ label: 'Jobs', path: '/' }]} current={data.name} />
      <div class="page-header">
        <h1 id="job-title" tabIndex={-1}>
          {data.name}
        </h1>
        <span class={`pill ${data.isActive ? 'pill--active' : 'pill--paused'}`} id="job-state">
          {data.isActive ? 'Active' : 'Paused'}
        </span>
      </div>
      {data.description && <p class="lead">{data.description}</p>}

      <div class="toolbar" role="group" aria-label="Job actions">
        <button type="button" class="button button--primary" onClick={runNow} disabled={pending !== undefined}>
          {pending === 'run' ? 'Starting…' : 'Run now'}
        </button>
        <button type="button" class="button" onClick={toggle} disabled={pending !== undefined}>
          {data.isActive ? 'Pause' : 'Resume'}
        </button>
        <a class="button" href={href(editPath)} onClick={(event) => followLink(event, editPath)}>
          Edit
        </a>
        <button type="button" class="button button--danger" onClick={() => setConfirming(true)} disabled={pending !== undefined}>
          Delete…
        </button>
      </div>
      <ErrorBanner error={actionError} onRetry={job.reload} />
      <ErrorBanner error={job.error} prefix="Could not refresh the job:" onRetry={job.reload} />

      <div class="cards">
        <div class="card">
          <h2 class="card-title">Next run</h2>
          <p class="card-value" id="job-next-run">
            {data.nextRun ? <Time iso={data.nextRun} now={now} seconds={seconds} /> : <span class="muted">{data.isActive ? 'none' : 'none while paused'}</span>}
          </p>
          {data.nextRun && <ZoneTime iso={data.nextRun} zone={data.timezone} seconds={seconds} />}
        </div>
        <div class="card">
          <h2 class="card-title">Last run</h2>
          <p class="card-value">
            <StatusBadge status={data.lastStatus} />
          </p>
          {data.lastRun && (
            <p class="small muted">
              started <Time iso={data.lastRun} now={now} />
            </p>
          )}
        </div>
        <div class="card">
          <h2 class="card-title">Schedule</h2>
          <p class="card-value">
            <code>{data.schedule ?? 'one-off'}</code>
          </p>
          <p class="small">
            {description ?? 'Custom expression'} ({data.timezone})
          </p>
        </div>
      </div>

      <RunHistory jobId={id} jobName={data.name} now={now} fast={fast} onBusy={setBusy} jobVersion={`${data.updatedAt}-${data.lastRun ?? ''}`} />

      <div class="two-columns">
        <UpcomingRuns job={data} now={now} />
        <Settings job={data} />
      </div>

      <AlertHistory jobId={id} jobName={data.name} now={now} jobVersion={`${data.updatedAt}-${data.lastRun ?? ''}-${data.lastStatus ?? ''}`} />

      <ChangeHistory jobId={id} jobName={data.name} now={now} jobVersion={`${data.updatedAt}-${data.lastRun ?? ''}`} />

      <Dialog open={confirming} title={`Delete “${data.name}”?`} onClose={() => setConfirming(false)}>
        <p>The job and its whole run history are deleted. This cannot be undone.</p>
        <div class="actions">
          {/* Cancel takes the focus when the dialog opens: Enter alone never deletes. */}
          <button type="button" class="button" onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </button>
          <button type="button" class="button button--danger" onClick={remove} disabled={pending === 'delete'}>
            {pending === 'delete' ? 'Deleting…' : 'Delete job'}
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function UpcomingRuns({ job, now }: { job: Job; now: number }) {
  const upcoming = usePolling(
    () => (job.isActive ? api.nextRuns(job.id, 5) : Promise.resolve([])),
    `${job.id}-${job.isActive}-${job.schedule}-${job.timezone}`,
    60_000,
  );
  const seconds = hasSecondsField(job.schedule);
  return (
    <section aria-labelledby="upcoming-title" class="panel">
      <h2 id="upcoming-title">Upcoming</h2>
      {!job.isActive && <p class="muted">Paused: nothing is scheduled until the job is resumed.</p>}
      {job.isActive && upcoming.data && (
        <ol class="preview-list">
          {upcoming.data.map((iso) => (
            <li key={iso}>
              <Time iso={iso} now={now} seconds={seconds} />
              <ZoneTime iso={iso} zone={job.timezone} seconds={seconds} />
            </li>
          ))}
        </ol>
      )}
      <ErrorBanner error={upcoming.error} prefix="Could not load the next runs:" />
    </section>
  );
}

function missedRuns(job: Job): string {
  if (job.misfirePolicy === 'skip') return 'skipped';
  if (job.misfirePolicy === 'run_all') return `each run, oldest first, up to ${job.maxCatchUp}`;
  return 'one catch-up run';
}

function Settings({ job }: { job: Job }) {
  const params = JSON.stringify(job.params, null, 2);
  return (
    <section aria-labelledby="settings-title" class="panel">
      <h2 id="settings-title">Settings</h2>
      <dl class="settings">
        <dt>Type</dt>
        <dd>{job.type}</dd>
        <dt>Tags</dt>
        <dd class="tags">{job.tags.length === 0 ? <span class="muted">none</span> : job.tags.map((tag) => <span class="tag" key={tag}>{tag}</span>)}</dd>
        <dt>Parameters</dt>
        <dd>{params === '{}' ? <span class="muted">none</span> : <pre class="code-block">{params}</pre>}</dd>
        <dt>Overlapping runs</dt>
        <dd>{job.overlapPolicy === 'forbid' ? 'skipped while one is running' : 'allowed'}</dd>
        <dt>Missed runs</dt>
        <dd>{missedRuns(job)}</dd>
        <dt>Jitter</dt>
        <dd>{job.jitterMs === 0 ? <span class="muted">none</span> : `up to ${milliseconds(job.jitterMs)} after each occurrence`}</dd>
        <dt>Attempts</dt>
        <dd>
          {job.maxAttempts}
          {job.maxAttempts > 1 && <span class="muted"> (retry after {milliseconds(job.retryBackoffMs)}, then doubling)</span>}
        </dd>
        <dt>Timeout</dt>
        <dd>{milliseconds(job.timeoutMs)}</dd>
        <dt>Created</dt>
        <dd>
          <Time iso={job.createdAt} relative={false} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time iso={job.updatedAt} relative={false} />
        </dd>
      </dl>
    </section>
  );
}
