import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { JobResponse as Job, RunResponse as Run } from '../src/api-client/api-types';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;
const SCREENSHOTS = resolve(__dirname, '..', process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results', 'screenshots');
/** The browser's zone: nine hours ahead of UTC all year, so the one-off's wall-clock time is known. */
const TOKYO_OFFSET_MS = 9 * 3_600_000;

// Skipped with dashboard.e2e-spec.ts's message when Chromium is missing.
maybe("the dashboard's run control and kinds of schedule", () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let context: BrowserContext;
  const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-run-control-'));
  const browserErrors: string[] = [];

  const call = async <T>(method: string, path: string, body?: object): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  /** A shell job that runs for ten minutes unless stopped, with one run started now and running. */
  const startLongRun = async (name: string): Promise<{ job: Job; run: Run }> => {
    const job = await call<Job>('POST', '/jobs', { name, schedule: '0 0 1 1 *', type: 'shell', params: { command: 'sleep', args: ['600'] }, timeoutMs: 900_000 });
    const queued = await call<Run>('POST', `/jobs/${job.id}/run`);
    await waitFor(async () => (await runOf(queued.id)).status === 'running', 30_000, 'the run to start');
    return { job, run: queued };
  };
  const runOf = async (runId: number) => (await call<{ data: Run[] }>('GET', `/runs?limit=100`)).data.find((run) => run.id === runId)!;

  const openPage = async (path: string): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(`${service.url}/ui${path}`);
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    service = await ServiceProcess.start(
      { DATABASE_URL: database.url, SHELL_JOBS_ENABLED: 'true', SCHEDULER_TICK: '* * * * * *' },
      'dashboard-run-control',
    );
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'Asia/Tokyo',
    });
    context.setDefaultTimeout(15_000);
  }, 120_000);
  afterEach(() => expect(browserErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await context?.close();
    await service?.stop();
    await database?.drop();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it("cancels a long run from the job's run history after a confirmation, and the row ends cancelled", async () => {
    const { job, run } = await startLongRun('Nightly export');
    const page = await openPage(`/jobs/${job.id}`);
    const row = page.locator(`tr[data-run-id="${run.id}"]`);
    await row.and(page.locator('[data-status="running"]')).waitFor();

    await row.getByRole('button', { name: `Cancel… run ${run.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Cancel run ${run.id} of “Nightly export”?` });
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await runOf(run.id)).status).toBe('running');

    await row.getByRole('button', { name: `Cancel… run ${run.id}` }).click();
    await dialog.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('status').getByText(`Run ${run.id} is cancelled now.`).waitFor();
    await page.locator(`tr[data-run-id="${run.id}"][data-status="cancelled"]`).waitFor();
    expect(await row.getByRole('button', { name: /^Cancel…/ }).count()).toBe(0);
    expect((await runOf(run.id)).status).toBe('cancelled');
    await page.close();
  }, 90_000);

  it('cancels a run from the Runs page, and shows the API’s own words when the run ended meanwhile', async () => {
    const first = await startLongRun('Rebuild search index');
    const second = await startLongRun('Compact archives');
    const page = await openPage('/runs');
    const rowOf = (run: Run) => page.locator(`tr[data-run-id="${run.id}"]`);
    await rowOf(first.run).and(page.locator('[data-status="running"]')).waitFor();

    await rowOf(first.run).getByRole('button', { name: `Cancel… run ${first.run.id}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('status').getByText(`Run ${first.run.id} is cancelled now.`).waitFor();
    await page.locator(`tr[data-run-id="${first.run.id}"][data-status="cancelled"]`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-cancel.png') });

    // The list stops refreshing while the dialog is open, and the run is cancelled elsewhere: the API answers 409.
    await page.route('**/runs?**', (route) => route.abort());
    await rowOf(second.run).getByRole('button', { name: `Cancel… run ${second.run.id}` }).click();
    await call('POST', `/runs/${second.run.id}/cancel`);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await page
      .getByRole('status')
      .getByText(
        `Could not cancel run ${second.run.id}: status: run ${second.run.id} has already ended (cancelled); only a queued, running or retry_pending run can be cancelled`,
      )
      .waitFor();
    await page.unroute('**/runs?**');
    await page.locator(`tr[data-run-id="${second.run.id}"][data-status="cancelled"]`).waitFor({ timeout: 20_000 });
    await page.close();
  }, 90_000);

  it('creates a one-off job at a time of the viewer’s zone, listed with that instant, with no schedule asked for', async () => {
    const runAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 24 * 3_600_000);
    const tokyoWallClock = new Date(runAt.getTime() + TOKYO_OFFSET_MS).toISOString().slice(0, 16);
    const page = await openPage('/jobs/new');
    await page.getByLabel('Name', { exact: true }).fill('Year-end report');
    await page.getByLabel('Once, at a given time').check();
    expect(await page.getByLabel('Schedule (cron)').isVisible()).toBe(false);
    await page.getByLabel('Runs at').fill(tokyoWallClock);
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('status').getByText('Created “Year-end report”').waitFor();

    const job = (await call<{ data: Job[] }>('GET', '/jobs?limit=100')).data.find((each) => each.name === 'Year-end report')!;
    expect(job).toMatchObject({ schedule: null, runAt: runAt.toISOString(), nextRun: runAt.toISOString() });
    await page.goto(`${service.url}/ui/`);
    const listed = page.locator(`tr[data-job-id="${job.id}"] .run-at time`);
    expect(await listed.getAttribute('datetime')).toBe(runAt.toISOString());
    await page.close();
  }, 60_000);

  it('saves an unrelated change to a one-off job that already ran, its runAt left to the millisecond as stored', async () => {
    const job = await call<Job>('POST', '/jobs', { name: 'Migrate tenants', runAt: new Date(Date.now() + 1000).toISOString() });
    await waitFor(async () => !(await call<Job>('GET', `/jobs/${job.id}`)).isActive, 30_000, 'the one-off job to run and become inactive');

    const page = await openPage(`/jobs/${job.id}/edit`);
    expect(await page.getByLabel('Once, at a given time').isChecked()).toBe(true);
    await page.getByLabel('Description').fill('moved to the new cluster');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved “Migrate tenants”').waitFor();
    expect(await call<Job>('GET', `/jobs/${job.id}`)).toMatchObject({ description: 'moved to the new cluster', runAt: job.runAt, schedule: null });
    await page.close();
  }, 60_000);

  it('saves jitter and a catch-up limit, the limit offered only for "run each"', async () => {
    const page = await openPage('/jobs/new');
    await page.getByLabel('Name', { exact: true }).fill('Hourly rollup');
    await page.getByLabel('Schedule (cron)').fill('0 * * * *');
    await page.getByLabel('Jitter (ms)').fill('45000');
    expect(await page.getByLabel('Catch-up limit').count()).toBe(0);
    await page.getByLabel('Missed runs').selectOption('run_all');
    await page.getByLabel('Catch-up limit').fill('25');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('status').getByText('Created “Hourly rollup”').waitFor();

    const id = Number(/\/jobs\/(\d+)$/.exec(page.url())![1]);
    expect(await call<Job>('GET', `/jobs/${id}`)).toMatchObject({ schedule: '0 * * * *', runAt: null, jitterMs: 45000, misfirePolicy: 'run_all', maxCatchUp: 25 });

    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    expect(await page.getByLabel('Catch-up limit').inputValue()).toBe('25');
    expect(await page.getByLabel('Jitter (ms)').inputValue()).toBe('45000');
    await page.getByLabel('Jitter (ms)').fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved “Hourly rollup”').waitFor();
    expect(await call<Job>('GET', `/jobs/${id}`)).toMatchObject({ jitterMs: 0, maxCatchUp: 25 });
    await page.close();
  }, 60_000);
});
