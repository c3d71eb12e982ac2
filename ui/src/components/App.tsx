import { useEffect, useRef, useState } from 'preact/hooks';
import { forgetToken, hasToken, onTokenChange } from '../api';
import { subscribeFlash } from '../flash';
import { followLink, href, useLocation } from '../router';
import { JobFormPage } from './JobFormPage';
import { JobPage } from './JobPage';
import { JobsPage } from './JobsPage';
import { PauseButton, PausedBanner, useMaintenance } from './MaintenanceSwitch';
import { RECENT_FAILURES_PATH, RunsPage } from './RunsPage';
import { TokenDialog } from './TokenDialog';

function route(path: string) {
  if (path === '/' || path === '/jobs') return { view: 'jobs' as const };
  if (path === '/runs') return { view: 'runs' as const };
  if (path === '/jobs/new') return { view: 'create' as const };
  const match = /^\/jobs\/(\d+)(\/edit)?$/.exec(path);
  if (match) return { view: match[2] ? ('edit' as const) : ('job' as const), id: Number(match[1]) };
  return { view: 'missing' as const };
}

export function App() {
  const location = useLocation();
  const target = route(location.path);
  const onFailures = target.view === 'runs' && `/runs?${location.query.toString()}` === RECENT_FAILURES_PATH;
  const [message, setMessage] = useState<string | undefined>();
  const [signedIn, setSignedIn] = useState(hasToken());
  const maintenance = useMaintenance();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => subscribeFlash(setMessage), []);
  useEffect(() => onTokenChange(() => setSignedIn(hasToken())), []);
  // After a navigation, focus moves to the new page's heading, as a page load would, so a screen reader
  // announces it and Tab starts from the top of the content.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // The heading of a page that loads its data first appears a moment later: look for it for a second.
    let tries = 0;
    const timer = setInterval(() => {
      const heading = main.current?.querySelector<HTMLElement>('h1');
      if (heading) heading.focus();
      if (heading || ++tries > 20) clearInterval(timer);
    }, 50);
    return () => clearInterval(timer);
  }, [location.path]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href('/')} onClick={(event) => followLink(event, '/')}>
          <span aria-hidden="true" class="brand-mark">
            ◷
          </span>{' '}
          Scheduler
        </a>
        <nav aria-label="Main">
          <a href={href('/')} onClick={(event) => followLink(event, '/')} aria-current={target.view === 'jobs' ? 'page' : undefined}>
            Jobs
          </a>
          <a href={href('/runs')} onClick={(event) => followLink(event, '/runs')} aria-current={target.view === 'runs' && !onFailures ? 'page' : undefined}>
            Runs
          </a>
          <a
            href={href(RECENT_FAILURES_PATH)}
            onClick={(event) => followLink(event, RECENT_FAILURES_PATH)}
            aria-current={onFailures ? 'page' : undefined}
          >
            Failures, 24 h
          </a>
          <a href="/api" class="external">
            API docs
          </a>
          <PauseButton maintenance={maintenance} />
          {signedIn && (
            <button type="button" class="link-button" onClick={forgetToken}>
              Forget token
            </button>
          )}
        </nav>
      </header>
      <div class="flash" role="status" aria-live="polite">
        {message && <p class="flash-message">{message}</p>}
      </div>
      <main id="main" ref={main} class="page">
        <PausedBanner maintenance={maintenance} />
        {target.view === 'jobs' && <JobsPage query={location.query} />}
        {target.view === 'runs' && <RunsPage query={location.query} />}
        {target.view === 'create' && <JobFormPage />}
        {target.view === 'edit' && <JobFormPage id={target.id} key={`edit-${target.id}`} />}
        {target.view === 'job' && <JobPage id={target.id} key={`job-${target.id}`} />}
        {target.view === 'missing' && (
          <section>
            <h1 tabIndex={-1}>Page not found</h1>
            <p>
              There is no page at this address. <a href={href('/')} onClick={(event) => followLink(event, '/')}>Back to the jobs</a>
            </p>
          </section>
        )}
      </main>
      <TokenDialog />
    </>
  );
}
