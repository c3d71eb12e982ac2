import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findFreePort } from '../src/database/embedded-database';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { ServiceProcess } from './support/service-process';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';
import type { JobResponse as Job, RunResponse as Run } from '../src/api-client/api-types';

/**
 * The dashboard (/ui) in Debian's Chromium, driven by playwright-core, against a real process of the
 * service with a one-second tick: what a person does with it, from the form to the run history.
 */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Every run saves screenshots for a reviewer under test-results/ (git-ignored); with
 * UPDATE_SCREENSHOTS=1 they replace the ones the README shows, in docs/screenshots/.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? resolve(__dirname, '..', 'docs', 'screenshots')
  : resolve(__dirname, '..', 'test-results', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
const maybe = haveChromium ? describe : describe.skip;
if (!haveChromium) {
  console.warn(`the dashboard's browser tests are skipped: no browser at ${CHROMIUM}. Install it with: apt-get install -y chromium`);
}

const PARIS = 'Europe/Paris';

/** "412 ms", "1.4 s", "12 s" as the dashboard writes a duration, back to milliseconds. */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?) (ms|s)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** The next 00:30 UTC after `now`: when "30 9 * * *" in Asia/Tokyo (UTC+9, no daylight saving) next fires. */
function nextHalfPastMidnightUtc(now: Date): Date {
  const candidate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, 30));
  if (candidate <= now) candidate.setUTCDate(candidate.getUTCDate() + 1);
  return candidate;
}

describe('serving the dashboard', () => {
  let app: TestApp;

  beforeAll(async () => {
    // startTestApp leaves its settings in process.env; put it back so later service processes inherit none.
    const saved = { ...process.env };
    try {
      app = await startTestApp({ API_TOKENS: 's3cret' });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
  afterAll(() => app?.close());

  it('needs no token for the page itself, only for the API it calls', async () => {
    await app.http.get('/ui/').expect(200);
    await app.http.get('/jobs').expect(401);
    await app.http.get('/jobs').set('authorization', 'Bearer s3cret').expect(200);
  });

  it('redirects / to /ui/ and answers every client-side route with the page', async () => {
    await app.http.get('/').expect(302).expect('location', '/ui/');
    await app.http.get('/ui').expect(301).expect('location', '/ui/');
    for (const path of ['/ui/', '/ui/jobs/7', '/ui/jobs/new']) {
      const response = await app.http.get(path).expect(200).expect('content-type', /text\/html/).expect('cache-control', 'no-cache');
      expect(response.text).toContain('<div id="app"></div>');
    }
  });

  it('serves the hashed assets for a year and a missing asset as a 404, not as the page', async () => {
    const page = await app.http.get('/ui/').expect(200);
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    await app.http.get(script!).expect(200).expect('content-type', /javascript/).expect('cache-control', /immutable/);
    await app.http.get('/ui/assets/index-gone.js').expect(404);
  });
});

maybe('the dashboard in a real browser', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let slowServer: SlowHttpServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (response.status === 204 ? undefined : await response.json()) as T };
  };
  const jobNamed = async (name: string) => {
    const { body } = await api<{ data: Job[] }>('GET', `/jobs?search=${encodeURIComponent(name)}`);
    return body.data.find((job) => job.name === name);
  };
  /** A job run now `occurrences` times, each attempt of each run timing out against a server that answers too late. */
  const timedOutJob = async (name: string, { maxAttempts, occurrences }: { maxAttempts: number; occurrences: number }) => {
    const { body: job } = await api<Job>('POST', '/jobs', {
      name,
      schedule: '0 0 1 1 *',
      type: 'http',
      params: { url: `${slowServer.url}/delay/60000` },
      timeoutMs: 300,
      maxAttempts,
      retryBackoffMs: 0,
    });
    for (let occurrence = 0; occurrence < occurrences; occurrence++) await api('POST', `/jobs/${job.id}/run`);
    const runs = await waitFor(
      async () => {
        const { body } = await api<{ data: Run[] }>('GET', `/jobs/${job.id}/runs?status=timed_out`);
        return body.data.length === maxAttempts * occurrences && body.data;
      },
      30_000,
      `every attempt of ${name} to time out`,
    );
    return { job, runs };
  };
  const row = (name: string) => page.locator('.jobs-table tbody tr', { has: page.getByRole('link', { name, exact: true }) });
  const browserErrors: string[] = [];
  const watchedPages = new WeakSet<Page>();
  const watchForErrors = (target: Page) => {
    if (watchedPages.has(target)) return;
    watchedPages.add(target);
    target.on('pageerror', (error) => browserErrors.push(`${target.url()}: ${error.message}`));
    target.on('console', (message) => {
      // Chromium logs every 4xx answer; the API's 400 (bad cron) and 401 (no token) are expected here.
      const expected = /responded with a status of 40[01]\b/.test(message.text());
      if (message.type() === 'error' && !expected) browserErrors.push(`${target.url()}: ${message.text()}`);
    });
  };
  const screenshot = (name: string, target: Page = page) => target.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    slowServer = await startSlowHttpServer();
    service = await ServiceProcess.start({ ...LOOPBACK_HTTP_JOBS, DATABASE_URL: database.url, SCHEDULER_TICK: '* * * * * *' }, 'dashboard-e2e');
    userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: PARIS,
    });
    context.setDefaultTimeout(10_000);
    // Any script error or blocked resource (say, by the Content-Security-Policy) fails the last test.
    context.on('page', watchForErrors);
    page = context.pages()[0] ?? (await context.newPage());
    watchForErrors(page);

    // A few jobs around the one the tests create, so the list looks like a real one in its screenshot.
    const closedPort = await findFreePort();
    const seeds = [
      { name: 'Daily email digest', description: 'Newsletter to subscribers', schedule: '0 9 * * 1-5', timezone: 'Europe/London' },
      {
        name: 'Sync invoices',
        schedule: '*/10 * * * *',
        type: 'http',
        params: { url: `http://127.0.0.1:${closedPort}/invoices`, method: 'POST' },
        maxAttempts: 2,
        retryBackoffMs: 0,
      },
      { name: 'Weekly cleanup', schedule: '0 3 * * 0', isActive: false },
      { name: 'Heartbeat', schedule: '*/5 * * * *', timezone: 'America/New_York' },
    ];
    for (const seed of seeds) {
      const created = await api<Job>('POST', '/jobs', seed);
      if (created.status !== 201) throw new Error(`seeding ${seed.name}: ${JSON.stringify(created.body)}`);
      if (seed.name === 'Daily email digest' || seed.name === 'Sync invoices') await api('POST', `/jobs/${created.body.id}/run`);
    }
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await service?.stop();
    await slowServer?.close();
    await database?.drop();
  });

  it('creates a job through the form, with a live preview, and lists it with its next run', async () => {
    await page.goto(`${service.url}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();

    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByRole('heading', { name: 'New job', level: 1 }).waitFor();
    // This service runs without SHELL_JOBS_ENABLED: the form does not offer a type it would refuse.
    const typeSelect = page.getByLabel('Type', { exact: true });
    await typeSelect.locator('option', { hasText: 'shell' }).waitFor({ state: 'detached' });
    expect(await typeSelect.locator('option').allTextContents()).toEqual(['http', 'log']);
    await page.getByLabel('Name', { exact: true }).fill('Morning digest');
    await page.getByLabel('Description').fill('Summary of the night, for the Tokyo office');
    await page.getByLabel('Schedule (cron)').fill('30 9 * * *');
    await page.getByLabel('Time zone', { exact: true }).fill('Asia/Tokyo');
    await page.getByLabel('Message').fill('digest sent');

    // The preview is the service's own reading of the expression (GET /schedules/preview).
    const expected = nextHalfPastMidnightUtc(new Date());
    await page.locator(`.preview-list li time[datetime="${expected.toISOString()}"]`).waitFor();
    expect(await page.locator('.preview-list li').count()).toBe(5);
    expect(await page.locator('#field-schedule-description').textContent()).toBe('At 09:30');
    await screenshot('job-form.png');

    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: 'Morning digest', level: 1 }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Created “Morning digest”');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    const nextRun = row('Morning digest').locator('td.next-run time');
    await nextRun.waitFor();
    expect(await nextRun.getAttribute('datetime')).toBe(expected.toISOString());
    expect((await jobNamed('Morning digest'))?.nextRun).toBe(expected.toISOString());
    // Shown in the viewer's zone (Paris), not the job's (Tokyo) nor UTC.
    const parisClock = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', timeZone: PARIS }).format(expected);
    expect(await nextRun.textContent()).toContain(parisClock);
    expect(await row('Morning digest').textContent()).toContain('At 09:30');

    // The seeded runs have finished by now: one of each outcome for the screenshot.
    await row('Sync invoices').locator('.last-run [data-status="failed"]').waitFor();
    await row('Daily email digest').locator('.last-run [data-status="succeeded"]').waitFor();
    await screenshot('jobs.png');
  });

  it('filters the list by the outcome of the last run, and keeps the filter in the URL', async () => {
    await page.getByLabel('Last run').selectOption('failed');
    await page.waitForURL((url) => url.searchParams.get('last') === 'failed');
    await row('Daily email digest').waitFor({ state: 'detached' });
    expect(await page.locator('.jobs-table tbody tr a.job-link').allTextContents()).toEqual(['Sync invoices']);

    await page.reload();
    await row('Sync invoices').waitFor();
    expect(await page.getByLabel('Last run').inputValue()).toBe('failed');
    expect(await page.locator('.jobs-table tbody tr').count()).toBe(1);

    await page.getByLabel('Last run').selectOption('');
    await row('Daily email digest').waitFor();
  });

  it('shows an invalid cron expression rejected next to the schedule field', async () => {
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Broken schedule');
    await page.getByLabel('Schedule (cron)').fill('61 * * * *');
    // Submitted from the keyboard.
    await page.getByLabel('Schedule (cron)').press('Enter');

    const fieldError = page.locator('.field', { has: page.locator('#field-schedule') }).locator('.field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain("'61 * * * *' is not a valid cron expression: minute must be 0-59 (got 61)");
    expect(await page.locator('#field-schedule').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-schedule').getAttribute('aria-describedby')).toContain('field-schedule-error');
    expect(await page.locator('#form-problems').textContent()).toContain('Schedule');
    expect(new URL(page.url()).pathname).toBe('/ui/jobs/new');
    expect(await jobNamed('Broken schedule')).toBeUndefined();
  });

  it('draws each status symbol as an inline SVG, the timed-out stopwatch included', async () => {
    const { job } = await timedOutJob('Hanging export', { maxAttempts: 1, occurrences: 1 });
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    const timedOut = page.locator('.runs-table .badge[data-status="timed_out"]');
    await timedOut.waitFor();
    // The word alone, with no character a font may lack (U+23F1 was an empty box in Debian's Chromium).
    expect((await timedOut.textContent())?.trim()).toBe('timed out');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    await row('Hanging export').locator('.badge[data-status="timed_out"]').waitFor();
    await row('Sync invoices').locator('.badge[data-status="failed"]').waitFor();
    await row('Daily email digest').locator('.badge[data-status="succeeded"]').waitFor();
    const badges = await page.locator('.badge[data-status]').all();
    expect(badges.length).toBeGreaterThanOrEqual(3);
    for (const badge of badges) {
      const icon = badge.locator('svg');
      expect(await icon.count()).toBe(1);
      expect(await icon.getAttribute('aria-hidden')).toBe('true');
      const box = await icon.boundingBox();
      expect(box?.width).toBeGreaterThan(6);
      expect(box?.height).toBeGreaterThan(6);
      expect(await icon.locator('path, circle, line, polyline').count()).toBeGreaterThan(0);
    }
  });

  it('shows seconds in Upcoming and in the form preview when the schedule has a seconds field', async () => {
    // Five occurrences 5 s apart, each with its own seconds, read off the instant itself.
    const expectSeconds = async (times: ReturnType<Page['locator']>) => {
      await waitFor(async () => (await times.count()) === 5, 10_000, 'five occurrences');
      const texts: string[] = [];
      for (const time of await times.all()) {
        const instant = new Date((await time.getAttribute('datetime'))!);
        const text = (await time.textContent())!;
        const clock = /(\d{2}):(\d{2}):(\d{2})/.exec(text);
        expect(clock).not.toBeNull();
        expect(Number(clock![2])).toBe(instant.getUTCMinutes());
        expect(Number(clock![3])).toBe(instant.getUTCSeconds());
        texts.push(text);
      }
      expect(new Set(texts).size).toBe(5);
    };
    const { body: job } = await api<Job>('POST', '/jobs', { name: 'Every five seconds', schedule: '*/5 * * * * *' });
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await expectSeconds(page.locator('section[aria-labelledby="upcoming-title"] li time'));

    await page.goto(`${service.url}/ui/jobs/new`);
    await page.getByLabel('Schedule (cron)').fill('*/5 * * * * *');
    await expectSeconds(page.locator('.preview-list li time'));
  });

  it('says which times are the viewer’s and which zone is the job’s, and offers the IANA zones in the form', async () => {
    await api('POST', '/jobs', { name: 'Tokyo report', schedule: '30 9 * * *', timezone: 'Asia/Tokyo' });
    await page.goto(`${service.url}/ui/`);
    await row('Tokyo report').waitFor();
    const headers = (await page.locator('.jobs-table thead th').allTextContents()).map((text) => text.trim());
    expect(headers).toContain('Job’s time zone');
    expect(headers).toContain(`Next run, your time (${PARIS})`);
    const nextRun = row('Tokyo report').locator('td.next-run');
    expect(await nextRun.textContent()).toContain('09:30 AM in Asia/Tokyo');
    expect(await nextRun.getAttribute('data-label')).toBe('Next run, your time');

    await page.goto(`${service.url}/ui/jobs/new`);
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    const list = await zone.getAttribute('list');
    expect(list).toBeTruthy();
    const zones = await page.locator(`datalist#${list} option`).evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value));
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Paris', 'Asia/Tokyo', 'America/New_York']));
    // Free entry stays possible; the service judges it, and the form shows its answer.
    const refused = await api<{ fields: { field: string; message: string }[] }>('GET', '/schedules/preview?schedule=0+9+*+*+*&timezone=Mars%2FOlympus');
    expect(refused.status).toBe(400);
    await page.getByLabel('Schedule (cron)').fill('0 9 * * *');
    await zone.fill('Mars/Olympus');
    await page.locator('.preview-problem', { hasText: refused.body.fields[0].message }).waitFor();
  });

  it('shows the service’s own message for a complete but invalid expression', async () => {
    const refused = await api<{ fields: { field: string; message: string }[] }>('GET', `/schedules/preview?schedule=${encodeURIComponent('61 * * * *')}`);
    expect(refused.status).toBe(400);
    const message = refused.body.fields.find((problem) => problem.field === 'schedule')!.message;
    await page.goto(`${service.url}/ui/jobs/new`);
    await page.getByLabel('Schedule (cron)').fill('61 * * * *');
    const description = page.locator('#field-schedule-description');
    await description.filter({ hasText: message }).waitFor();
    expect(await description.textContent()).not.toContain('Not a complete cron expression');
  });

  it('leads back from a job and its form through a breadcrumb that names the job', async () => {
    const { body: job } = await api<Job>('POST', '/jobs', { name: 'Breadcrumb target', schedule: '0 9 * * *' });
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    const items = async () => (await crumbs.getByRole('listitem').allTextContents()).map((text) => text.trim());
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await page.getByRole('heading', { name: 'Breadcrumb target', level: 1 }).waitFor();
    expect(await items()).toEqual(['Jobs', 'Breadcrumb target']);
    expect(await crumbs.locator('[aria-current="page"]').textContent()).toBe('Breadcrumb target');

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “Breadcrumb target”', level: 1 }).waitFor();
    expect(await items()).toEqual(['Jobs', 'Breadcrumb target', 'Edit']);
    await crumbs.getByRole('link', { name: 'Breadcrumb target' }).click();
    await page.getByRole('heading', { name: 'Breadcrumb target', level: 1 }).waitFor();
    await crumbs.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
  });

  it('groups the attempts of each occurrence under it, and shows how late each run started', async () => {
    // Two runs now, two attempts each: the second occurrence's first attempt starts before the first
    // occurrence's retry, so newest first the runs interleave and only grouping puts them back together.
    const { job, runs } = await timedOutJob('Flaky export', { maxAttempts: 2, occurrences: 2 });
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    const groups = page.locator('.runs-table tbody.occurrence');
    await waitFor(async () => (await page.locator('.runs-table tr[data-run-id]').count()) === 4, 10_000, 'four runs listed');
    expect((await page.locator('.runs-table thead th').allTextContents()).map((text) => text.trim())).toContain('Lag');
    expect(await groups.count()).toBe(2);

    const occurrences = [...new Set(runs.map((run) => run.scheduledFor))].sort().reverse();
    expect(await groups.evaluateAll((elements) => elements.map((group) => group.getAttribute('data-scheduled-for')))).toEqual(occurrences);
    for (const scheduledFor of occurrences) {
      const rows = page.locator(`.runs-table tbody.occurrence[data-scheduled-for="${scheduledFor}"] tr[data-run-id]`);
      const attempts = runs.filter((run) => run.scheduledFor === scheduledFor).sort((a, b) => a.attempt - b.attempt);
      expect(await rows.evaluateAll((elements) => elements.map((row) => Number(row.getAttribute('data-run-id'))))).toEqual(attempts.map((run) => run.id));
      expect(await rows.nth(0).getAttribute('class')).not.toContain('run--retry');
      expect(await rows.nth(1).getAttribute('class')).toContain('run--retry');
      expect(await rows.nth(1).locator('[data-label="Scheduled for"]').textContent()).toContain('attempt 2');
      for (const run of attempts) {
        // Lag: start − scheduled time, from the API's own timestamps, to the precision shown.
        const lagMs = new Date(run.startedAt!).getTime() - new Date(run.scheduledFor).getTime();
        const shown = parseDuration((await page.locator(`tr[data-run-id="${run.id}"] [data-label="Lag"]`).textContent())!);
        expect(Math.abs(shown - lagMs)).toBeLessThanOrEqual(lagMs < 1000 ? 0 : lagMs < 10_000 ? 50 : 500);
      }
    }
  });

  it('runs a job now and shows its run as succeeded', async () => {
    const job = (await jobNamed('Morning digest'))!;
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await page.getByText('No runs yet.').waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();

    const run = page.locator('.runs-table tbody tr[data-status="succeeded"]');
    await run.waitFor();
    expect(await run.locator('.badge').textContent()).toContain('succeeded');
    expect(await run.locator('[data-label="Instance"]').textContent()).toBe('dashboard-e2e');
    await run.getByRole('button', { name: /Details/ }).click();
    expect(await page.locator('.details-row').textContent()).toContain('digest sent');
  });

  it('shows a failed run with its error, for the job page screenshot', async () => {
    const job = (await jobNamed('Sync invoices'))!;
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    // Two attempts of the seeded run now, both refused (and two more of a scheduled occurrence, should
    // a tenth minute have passed meanwhile).
    const failed = page.locator('.runs-table tbody tr.row--failed');
    await waitFor(async () => (await failed.count()) >= 2, 10_000, 'both attempts to fail');
    await failed.first().getByRole('button', { name: /Details/ }).click();
    expect(await page.locator('.details-row .code-block--error').textContent()).toContain('ECONNREFUSED');
    await screenshot('job-detail.png');
  });

  it('edits a job with its current settings filled in', async () => {
    const job = (await jobNamed('Sync invoices'))!;
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “Sync invoices”', level: 1 }).waitFor();
    expect(await page.getByLabel('URL').inputValue()).toMatch(/\/invoices$/);
    expect(await page.getByLabel('Method').inputValue()).toBe('POST');
    await page.getByLabel('Schedule (cron)').fill('0 */2 * * *');
    await page.getByLabel('Expected statuses').fill('200, 204');
    await page.getByRole('button', { name: 'Save changes' }).click();

    await page.getByRole('heading', { name: 'Sync invoices', level: 1 }).waitFor();
    expect(await page.locator('.cards').textContent()).toContain('On the hour, every 2 hours');
    const { body } = await api<Job & { schedule: string; params: Record<string, unknown> }>('GET', `/jobs/${job.id}`);
    expect(body).toMatchObject({ schedule: '0 */2 * * *', params: { method: 'POST', expectedStatus: [200, 204] } });
  });

  it('pauses a job and clears its next run', async () => {
    const job = (await jobNamed('Morning digest'))!;
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    expect(await page.locator('#job-state').textContent()).toBe('Paused');
    expect(await page.locator('#job-next-run').textContent()).toBe('none while paused');
    expect(await jobNamed('Morning digest')).toMatchObject({ isActive: false, nextRun: null });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    await row('Morning digest').locator('td.next-run', { hasText: 'paused' }).waitFor();
    expect(await row('Morning digest').getByRole('switch').isChecked()).toBe(false);
  });

  it('shows who changed a job, when and what, and a pause from the page at the top', async () => {
    const { body: job } = await api<Job>('POST', '/jobs', {
      name: 'Audited report',
      description: 'first draft',
      schedule: '0 6 * * *',
      type: 'http',
      params: { url: 'https://example.com/report', headers: { Authorization: 'Bearer page-s3cret' } },
    });
    await api('PATCH', `/jobs/${job.id}`, { description: 'final', maxAttempts: 2 });
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    const entries = page.locator('.changes-table tbody tr');
    await entries.nth(1).waitFor();
    expect(await entries.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual(['update', 'create']);
    const updated = entries.first();
    expect(await updated.locator('[data-label="Who"] .actor').textContent()).toBe('anonymous');
    expect(await updated.locator('[data-label="Who"]').textContent()).toMatch(/from (::ffff:)?127\.0\.0\.1/);
    expect(await updated.locator('[data-label="When"] time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await updated.locator('.change-list li').allTextContents()).toEqual(['description: first draft → final', 'maxAttempts: 1 → 2']);
    const created = entries.nth(1);
    await created.getByText('settings').click();
    expect(await created.locator('.change-list').textContent()).toContain('params.headers.Authorization: [redacted]');
    expect(await page.getByRole('region', { name: 'Changes' }).textContent()).not.toContain('page-s3cret');

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('.changes-table tbody tr[data-action="pause"]').waitFor();
    expect(await entries.first().getAttribute('data-action')).toBe('pause');
    expect(await entries.first().locator('.change-list').textContent()).toBe('isActive: true → false');
  });

  it('deletes a job after a confirmation', async () => {
    const job = (await jobNamed('Morning digest'))!;
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Morning digest”?' });
    await dialog.waitFor();
    // Cancel has the focus: Enter alone deletes nothing.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('GET', `/jobs/${job.id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete job' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Deleted “Morning digest”');
    await waitFor(async () => (await row('Morning digest').count()) === 0, 5000, 'the deleted job to leave the list');
    expect((await api('GET', `/jobs/${job.id}`)).status).toBe(404);
  });

  it('asks once for a token on a 401 and keeps it for the browser tab', async () => {
    // The service's own auth is configured elsewhere (API_TOKENS); here the browser plays a service
    // that wants "Bearer s3cret" on every API call.
    const tab = await context.newPage();
    let unauthorized = 0;
    await tab.route(
      (url) => url.pathname.startsWith('/jobs') || url.pathname.startsWith('/schedules'),
      (route) => {
        if (route.request().headers().authorization === 'Bearer s3cret') return route.continue();
        unauthorized++;
        return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'a bearer token is required' }) });
      },
    );
    await tab.goto(`${service.url}/ui/`);
    const dialog = tab.getByRole('dialog', { name: 'API token needed' });
    await dialog.waitFor();
    await dialog.getByLabel('API token').fill('s3cret');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await tab.locator('.jobs-table').waitFor();
    // Expressions as strings: they run in the page, whose DOM types this (Node) project does not load.
    expect(await tab.evaluate("sessionStorage.getItem('scheduler.apiToken')")).toBe('s3cret');

    await tab.reload();
    await tab.locator('.jobs-table').waitFor();
    expect(await tab.getByRole('dialog').count()).toBe(0);
    expect(unauthorized).toBe(1);
    await tab.close();
  });

  it('edits the tags of a job in its form, lists the jobs of a tag and pauses them all at once', async () => {
    const { body: tagged } = await api<Job>('POST', '/jobs', { name: 'Quarterly report', schedule: '0 6 1 */3 *', tags: ['finance'] });
    const { body: other } = await api<Job>('POST', '/jobs', { name: 'Ledger export', schedule: '0 5 * * *' });
    await page.goto(`${service.url}/ui/jobs/${other.id}/edit`);
    await page.getByLabel('Tags').fill('finance, team:ledger');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Ledger export', level: 1 }).waitFor();
    expect(await page.locator('.settings .tags').textContent()).toBe('financeteam:ledger');
    expect((await api<{ tags: string[] }>('GET', `/jobs/${other.id}`)).body.tags).toEqual(['finance', 'team:ledger']);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    await row('Quarterly report').getByRole('link', { name: 'tag finance' }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'finance');
    await row('Weekly cleanup').waitFor({ state: 'detached' });
    expect((await page.locator('.jobs-table tbody tr a.job-link').allTextContents()).sort()).toEqual(['Ledger export', 'Quarterly report']);

    await page.getByRole('button', { name: 'Pause all tagged finance' }).click();
    await page.getByText('Paused 2 jobs tagged finance.').waitFor();
    for (const id of [tagged.id, other.id]) expect((await api<Job>('GET', `/jobs/${id}`)).body.isActive).toBe(false);
    await page.getByRole('button', { name: 'Resume all tagged finance' }).click();
    await page.getByText('Resumed 2 jobs tagged finance.').waitFor();
    for (const id of [tagged.id, other.id]) expect((await api<Job>('GET', `/jobs/${id}`)).body.isActive).toBe(true);
  });

  it("draws each job's latest runs as a strip on the jobs list, from one request for the whole page", async () => {
    const job = (await jobNamed('Sync invoices'))!;
    await waitFor(async () => (await api<{ total: number }>('GET', `/jobs/${job.id}/runs?status=failed`)).body.total >= 2, 30_000, 'both attempts to fail');
    const requests: string[] = [];
    const listen = (request: { url(): string }) => requests.push(new URL(request.url()).pathname);
    page.on('request', listen);
    try {
      await page.goto(`${service.url}/ui/`);
      const bars = row('Sync invoices').locator('.run-strip .run-strip-bar');
      await waitFor(async () => (await bars.count()) >= 2, 10_000, 'the strip of Sync invoices');
      expect(await row('Sync invoices').locator('.run-strip').getAttribute('aria-label')).toMatch(/^Last \d+ runs: \d+ failed$/);
      expect(await bars.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')))).toContain('failed');
      expect(await row('Weekly cleanup').locator('.recent-runs').textContent()).toBe('no runs');
    } finally {
      page.off('request', listen);
    }
    expect(requests.filter((path) => path === '/runs/recent')).toHaveLength(1);
    expect(requests.filter((path) => /^\/jobs\/\d+\/runs$/.test(path))).toEqual([]);
  });

  it('lists the failures of the last 24 hours across jobs, one click from the top bar', async () => {
    await page.goto(`${service.url}/ui/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Failures, 24 h' }).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('failures');
    const rows = page.locator('.all-runs-table tbody tr');
    await rows.first().waitFor();
    const statuses = await rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((status) => ['failed', 'timed_out', 'abandoned'].includes(status ?? ''))).toBe(true);
    expect(await rows.locator('th[data-label="Job"] a').allTextContents()).toContain('Sync invoices');
    await screenshot('runs.png');

    await page.getByLabel('Outcome').selectOption('');
    await waitFor(async () => (await rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')))).includes('succeeded'), 10_000, 'a succeeded run among all runs');
    await rows.locator('th[data-label="Job"] a').first().click();
    await page.waitForURL(/\/ui\/jobs\/\d+$/);
  });

  it('pauses the whole scheduler from the top bar, says so on every page, and resumes it', async () => {
    await page.goto(`${service.url}/ui/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Pause scheduler' }).click();
    const banner = page.getByTestId('paused-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^The scheduler is paused since .+ by anonymous: no job starts on any instance until it is resumed\./);
    expect((await api<{ paused: boolean }>('GET', '/scheduler')).body.paused).toBe(true);
    expect(await nav.getByRole('button', { name: 'Pause scheduler' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await banner.waitFor();
    await screenshot('paused.png');

    await banner.getByRole('button', { name: 'Resume scheduler' }).click();
    await nav.getByRole('button', { name: 'Pause scheduler' }).waitFor();
    expect(await banner.count()).toBe(0);
    expect((await api<{ paused: boolean }>('GET', '/scheduler')).body.paused).toBe(false);
  });

  it('fits a phone-sized screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${service.url}/ui/`);
    await phone.locator('.jobs-table tbody tr').first().waitFor();
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SCREENSHOTS, 'jobs-mobile.png') });
    await phone.close();
  });

  it('logged no script error and had nothing blocked along the way', () => {
    expect(browserErrors).toEqual([]);
  });
});
