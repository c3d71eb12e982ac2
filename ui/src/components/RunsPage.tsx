import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { duration } from '../format';
import { useNow, usePolling } from '../hooks';
import { followLink, href, navigate } from '../router';
import { CancelRunButton, isCancellable } from './CancelRun';
import { PagedTable } from './PagedTable';
import { RunStatusOptions } from './RunStatusOptions';
import { FAILURES, StatusBadge } from './StatusBadge';
import { Time } from './Time';

const PAGE_SIZE = 20;
const REFRESH_MS = 5000;
const HOUR_MS = 3_600_000;
const PERIODS: Record<string, { label: string; ms: number }> = {
  '24h': { label: 'Last 24 hours', ms: 24 * HOUR_MS },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * HOUR_MS },
};
/** The status filter's value for every way a run can fail. */
const FAILURES_FILTER = 'failures';

/** The path of the Runs page showing the failures of the last 24 hours: one click from anywhere. */
export const RECENT_FAILURES_PATH = `/runs?status=${FAILURES_FILTER}&since=24h`;

/** The view's state lives in the URL (?status=&since=&page=). */
function readQuery(query: URLSearchParams) {
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const since = query.get('since') ?? '';
  return { status: query.get('status') ?? '', since: since in PERIODS ? since : '', page };
}

function writeQuery(state: ReturnType<typeof readQuery>): string {
  const params = new URLSearchParams();
  if (state.status) params.set('status', state.status);
  if (state.since) params.set('since', state.since);
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `/runs?${text}` : '/runs';
}

/** Runs across all jobs, newest first, filtered by outcome and period. */
export function RunsPage({ query }: { query: URLSearchParams }) {
  const state = readQuery(query);
  const now = useNow();
  useEffect(() => {
    document.title = 'Runs · Scheduler';
  }, []);

  const status = state.status === FAILURES_FILTER ? FAILURES.join(',') : state.status || undefined;
  const fetchPage = () =>
    api.listAllRuns({
      status,
      from: state.since ? new Date(Date.now() - PERIODS[state.since].ms).toISOString() : undefined,
      limit: PAGE_SIZE,
      offset: (state.page - 1) * PAGE_SIZE,
    });
  const runs = usePolling(fetchPage, JSON.stringify(state), REFRESH_MS);
  const setFilter = (changes: Partial<ReturnType<typeof readQuery>>) => navigate(writeQuery({ ...state, page: 1, ...changes }), { replace: true });

  return (
    <section aria-labelledby="all-runs-title">
      <div class="page-header">
        <h1 id="all-runs-title" tabIndex={-1}>
          Runs
        </h1>
      </div>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="all-runs-status">Outcome</label>
          <select id="all-runs-status" value={state.status} onChange={(event) => setFilter({ status: event.currentTarget.value })}>
            <option value="">All runs</option>
            <option value={FAILURES_FILTER}>Failures (failed, timed out, abandoned)</option>
            <RunStatusOptions />
          </select>
        </div>
        <div class="field">
          <label for="all-runs-since">Period</label>
          <select id="all-runs-since" value={state.since} onChange={(event) => setFilter({ since: event.currentTarget.value })}>
            <option value="">Any time</option>
            {Object.entries(PERIODS).map(([value, period]) => (
              <option value={value} key={value}>
                {period.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <PagedTable
        loaded={runs}
        noun="runs"
        caption={`Runs of every job, newest first, ${runs.data?.total ?? 0} in all`}
        class="all-runs-table"
        columns={['Job', 'Scheduled for', 'Status', 'Duration', 'Attempt', 'Instance', { label: 'Actions', hidden: true }]}
        empty="No run matches these filters."
        page={state.page}
        pageSize={PAGE_SIZE}
        onPage={(to) => navigate(writeQuery({ ...state, page: to }))}
        rows={(items) => (
          <tbody>
            {items.map((run) => (
              <tr class={FAILURES.includes(run.status) ? 'row--failed' : undefined} data-run-id={run.id} data-status={run.status} key={run.id}>
                <th scope="row" data-label="Job">
                  <a href={href(`/jobs/${run.jobId}`)} onClick={(event) => followLink(event, `/jobs/${run.jobId}`)}>
                    {run.jobName}
                  </a>
                </th>
                <td data-label="Scheduled for">
                  <Time iso={run.scheduledFor} now={now} seconds />
                </td>
                <td data-label="Status">
                  <StatusBadge status={run.status} />
                  {run.error && <div class="small error-preview">{run.error.split('\n', 1)[0]}</div>}
                </td>
                <td data-label="Duration" class="nowrap">
                  {duration(run.durationMs)}
                </td>
                <td data-label="Attempt">{run.attempt}</td>
                <td data-label="Instance" class="mono small">
                  {run.instanceId ?? <span class="muted">—</span>}
                </td>
                <td class="cell-action">{isCancellable(run) && <CancelRunButton run={run} label={`“${run.jobName}”`} onDone={runs.reload} />}</td>
              </tr>
            ))}
          </tbody>
        )}
      />
    </section>
  );
}
