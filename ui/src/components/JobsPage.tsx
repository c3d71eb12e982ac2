import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { describeSchedule, hasSecondsField, VIEWER_ZONE } from '../format';
import { useDebounced, useNow, usePolling } from '../hooks';
import { flash } from '../flash';
import { followLink, href, navigate } from '../router';
import { asRunStatus, JOB_TYPES, type Job, type Page, type RecentRuns } from '../types';
import { ErrorBanner } from './ErrorBanner';
import { RunStatusOptions } from './RunStatusOptions';
import { RunStrip } from './RunStrip';
import { StatusBadge } from './StatusBadge';
import { Time, ZoneTime } from './Time';

const PAGE_SIZE = 20;
const REFRESH_MS = 5000;

/** The view's state lives in the URL (?q=&active=&type=&last=&tag=&page=), so reloads, links and Back keep it. */
function readQuery(query: URLSearchParams) {
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  return { search: query.get('q') ?? '', active: query.get('active') ?? '', type: query.get('type') ?? '', last: query.get('last') ?? '', tag: query.get('tag') ?? '', page };
}

function writeQuery(state: ReturnType<typeof readQuery>): string {
  const params = new URLSearchParams();
  if (state.search) params.set('q', state.search);
  if (state.active) params.set('active', state.active);
  if (state.type) params.set('type', state.type);
  if (state.last) params.set('last', state.last);
  if (state.tag) params.set('tag', state.tag);
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

export function JobsPage({ query }: { query: URLSearchParams }) {
  const state = readQuery(query);
  const [searchText, setSearchText] = useState(state.search);
  const debouncedSearch = useDebounced(searchText, 300);
  const now = useNow();
  const [actionError, setActionError] = useState<ApiError | undefined>();

  useEffect(() => {
    document.title = 'Jobs · Scheduler';
  }, []);
  const pushedSearch = useRef(state.search);
  useEffect(() => {
    const search = debouncedSearch.trim();
    if (search === state.search) return;
    pushedSearch.current = search;
    navigate(writeQuery({ ...state, search, page: 1 }), { replace: true });
  }, [debouncedSearch]);
  // Back and Forward change the search in the URL under the search box: follow them.
  useEffect(() => {
    if (state.search === pushedSearch.current) return;
    pushedSearch.current = state.search;
    setSearchText(state.search);
  }, [state.search]);

  const filters = {
    search: state.search || undefined,
    isActive: state.active === '' ? undefined : state.active === 'true',
    type: state.type || undefined,
    lastStatus: asRunStatus(state.last),
    tag: state.tag || undefined,
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
  const jobs = usePolling(() => api.listJobs(filters), JSON.stringify(filters), REFRESH_MS);
  const page = jobs.data;
  const pages = page ? pageCount(page, PAGE_SIZE) : 1;
  // One request for the strips of the whole page, refreshed with it.
  const jobIds = page?.data.map((job) => job.id) ?? [];
  const recent = usePolling<RecentRuns[]>(
    () => (jobIds.length > 0 ? api.recentRuns(jobIds) : Promise.resolve([])),
    `${jobIds.join(',')}-${page?.data.map((job) => job.lastRun).join(',')}`,
    REFRESH_MS,
  );
  const recentByJob = new Map(recent.data?.map((entry) => [entry.jobId, entry.runs]));

  // A page past the end (jobs were deleted meanwhile) moves to the last page that has jobs.
  useEffect(() => {
    if (page && page.data.length === 0 && page.total > 0 && state.page > pages) navigate(writeQuery({ ...state, page: pages }), { replace: true });
  });

  const setFilter = (changes: Partial<ReturnType<typeof readQuery>>) => navigate(writeQuery({ ...state, page: 1, ...changes }), { replace: true });

  const toggle = async (job: Job) => {
    setActionError(undefined);
    try {
      await api.updateJob(job.id, { isActive: !job.isActive });
    } catch (error) {
      setActionError(error as ApiError);
    }
    jobs.reload();
  };

  const setActiveByTag = async (isActive: boolean) => {
    setActionError(undefined);
    try {
      const { changed } = await api.setActiveByTag(state.tag, isActive);
      flash(`${isActive ? 'Resumed' : 'Paused'} ${changed} ${changed === 1 ? 'job' : 'jobs'} tagged ${state.tag}.`);
    } catch (error) {
      setActionError(error as ApiError);
    }
    jobs.reload();
  };

  const filtered = Boolean(state.search || state.active || state.type || state.last || state.tag);

  return (
    <section aria-labelledby="jobs-title">
      <div class="page-header">
        <h1 id="jobs-title" tabIndex={-1}>
          Jobs
        </h1>
        <a class="button button--primary" href={href('/jobs/new')} onClick={(event) => followLink(event, '/jobs/new')}>
          New job
        </a>
      </div>

      <form role="search" class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-search">Search</label>
          <input
            id="filter-search"
            type="search"
            placeholder="Name or description"
            value={searchText}
            onInput={(event) => setSearchText(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="filter-active">Status</label>
          <select id="filter-active" value={state.active} onChange={(event) => setFilter({ active: event.currentTarget.value })}>
            <option value="">All</option>
            <option value="true">Active</option>
            <option value="false">Paused</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-type">Type</label>
          <select id="filter-type" value={state.type} onChange={(event) => setFilter({ type: event.currentTarget.value })}>
            <option value="">All types</option>
            {JOB_TYPES.map((type) => (
              <option value={type} key={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-last">Last run</label>
          <select id="filter-last" value={state.last} onChange={(event) => setFilter({ last: event.currentTarget.value })}>
            <option value="">Any</option>
            <RunStatusOptions />
          </select>
        </div>
      </form>
      {state.tag && (
        <div class="tag-actions" role="group" aria-label={`Jobs tagged ${state.tag}`}>
          <span>
            Tagged <span class="tag">{state.tag}</span>
          </span>
          <button type="button" class="button button--small" onClick={() => void setActiveByTag(false)}>
            Pause all tagged {state.tag}
          </button>
          <button type="button" class="button button--small" onClick={() => void setActiveByTag(true)}>
            Resume all tagged {state.tag}
          </button>
          <button type="button" class="link-button small" onClick={() => setFilter({ tag: '' })}>
            Show every tag
          </button>
        </div>
      )}

      <ErrorBanner error={jobs.error} prefix={page ? 'Could not refresh the list:' : 'Could not load the jobs:'} onRetry={jobs.reload} />
      <ErrorBanner error={actionError} />

      {!page && !jobs.error && <p class="muted">Loading jobs…</p>}
      {page && page.total === 0 && (
        <div class="empty">
          {filtered ? (
            <p>No job matches these filters.</p>
          ) : (
            <p>
              No jobs yet.{' '}
              <a href={href('/jobs/new')} onClick={(event) => followLink(event, '/jobs/new')}>
                Create the first one
              </a>
              .
            </p>
          )}
        </div>
      )}
      {page && page.data.length > 0 && (
        <>
          <table class="table jobs-table">
            <caption class="visually-hidden">Jobs, {page.total} in all</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Schedule</th>
                <th scope="col">Job’s time zone</th>
                <th scope="col">Next run, your time ({VIEWER_ZONE})</th>
                <th scope="col">Last run</th>
                <th scope="col">Recent runs</th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((job) => (
                <JobRow job={job} now={now} recent={recentByJob.get(job.id)} onToggle={toggle} key={job.id} />
              ))}
            </tbody>
          </table>
          <Pagination
            page={state.page}
            results={page}
            pageSize={PAGE_SIZE}
            noun="jobs"
            onPage={(to) => navigate(writeQuery({ ...state, page: to }), { replace: false })}
          />
        </>
      )}
    </section>
  );
}

function JobRow(props: { job: Job; now: number; recent: RecentRuns['runs'] | undefined; onToggle: (job: Job) => void }) {
  const { job, now, recent, onToggle } = props;
  const description = describeSchedule(job.schedule);
  const seconds = hasSecondsField(job.schedule);
  return (
    <tr data-job-id={job.id} class={job.isActive ? undefined : 'row--paused'}>
      <th scope="row" data-label="Name">
        <a href={href(`/jobs/${job.id}`)} onClick={(event) => followLink(event, `/jobs/${job.id}`)} class="job-link">
          {job.name}
        </a>
        <span class="muted small type-tag">{job.type}</span>
        {job.tags.length > 0 && (
          <div class="tags">
            {job.tags.map((tag) => (
              <a class="tag" href={href(`/?tag=${encodeURIComponent(tag)}`)} onClick={(event) => followLink(event, `/?tag=${encodeURIComponent(tag)}`)} key={tag}>
                <span class="visually-hidden">tag </span>
                {tag}
              </a>
            ))}
          </div>
        )}
      </th>
      <td data-label="Schedule">
        <code>{job.schedule ?? 'one-off'}</code>
        {job.runAt ? (
          <div class="small schedule-description run-at">
            once, at <Time iso={job.runAt} relative={false} seconds />
          </div>
        ) : (
          description && <div class="small schedule-description">{description}</div>
        )}
      </td>
      <td data-label="Job’s time zone">{job.timezone}</td>
      <td data-label="Next run, your time" class="next-run">
        {job.nextRun ? (
          <>
            <Time iso={job.nextRun} now={now} seconds={seconds} />
            <ZoneTime iso={job.nextRun} zone={job.timezone} seconds={seconds} />
          </>
        ) : (
          <span class="muted">{job.isActive ? '—' : 'paused'}</span>
        )}
      </td>
      <td data-label="Last run" class="last-run">
        <StatusBadge status={job.lastStatus} />
        {job.lastRun && (
          <div class="small muted">
            <Time iso={job.lastRun} now={now} relative={false} />
          </div>
        )}
      </td>
      <td data-label="Recent runs" class="recent-runs">
        {recent && <RunStrip runs={recent} />}
      </td>
      <td data-label="Active">
        <label class="switch">
          <input type="checkbox" role="switch" checked={job.isActive} onChange={() => onToggle(job)} />
          <span class="visually-hidden">Active: {job.name}</span>
          <span class="switch-track" aria-hidden="true" />
        </label>
      </td>
    </tr>
  );
}

/** How many pages of `pageSize` hold the results; one when there are none. */
export const pageCount = (results: Page<unknown>, pageSize: number) => Math.max(1, Math.ceil(results.total / pageSize));

export function Pagination(props: { page: number; results: Page<unknown>; pageSize: number; noun: string; onPage: (page: number) => void }) {
  const { page, results, pageSize, noun, onPage } = props;
  const { total, offset } = results;
  const shown = results.data.length;
  const pages = pageCount(results, pageSize);
  return (
    <nav class="pagination" aria-label={`Pages of ${noun}`}>
      <p class="muted" aria-live="polite">
        {shown > 0 ? `${offset + 1}–${offset + shown} of ${total} ${noun}` : `0 of ${total} ${noun}`}
      </p>
      {pages > 1 && (
        <div class="actions">
          <button type="button" class="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            <span aria-hidden="true">←</span> Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" class="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next <span aria-hidden="true">→</span>
          </button>
        </div>
      )}
    </nav>
  );
}
