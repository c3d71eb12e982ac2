import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { type AlertReceiver, startAlertReceiver } from './support/alert-receiver';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const CHROMIUM = '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;
const SECRET = 'a-signing-secret-of-the-tests';
const SCREENSHOTS = resolve(__dirname, '..', process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results', 'screenshots');

// Skipped with dashboard.e2e-spec.ts's message when Chromium is missing.
maybe("the dashboard's alerts of a job", () => {
  let receiver: AlertReceiver;
  let database: TestDatabase;
  let service: ServiceProcess;
  let context: BrowserContext;
  const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-alerts-'));
  const browserErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    receiver = await startAlertReceiver(SECRET);
    receiver.statusOf.set('/failing-job', 500);
    receiver.statusOf.set('/refusing-hook', 503);
    database = await createTestDatabase();
    service = await ServiceProcess.start(
      { DATABASE_URL: database.url, HTTP_JOBS_ALLOW: '127.0.0.1', ALERT_SIGNING_SECRET: SECRET, ALERT_POLL_MS: '200', SCHEDULER_TICK: '* * * * * *' },
      'dashboard-alerts',
    );
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
    });
    context.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await service?.stop();
    await database?.drop();
    await receiver?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('shows who hears of the job, its failure streak, and each alert with how its delivery went', async () => {
    const created = await fetch(`${service.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Sync invoices',
        schedule: '0 0 1 1 *',
        isActive: false,
        type: 'http',
        params: { url: `${receiver.origin}/failing-job` },
        notify: { targets: [{ url: `${receiver.origin}/hook` }, { url: `${receiver.origin}/refusing-hook`, format: 'slack' }] },
      }),
    });
    const job = (await created.json()) as { id: number };
    expect(created.status).toBe(201);

    const page = await context.newPage();
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(`${service.url}/ui/jobs/${job.id}`);
    const alerts = page.locator('#job-alerts');
    await alerts.getByText('No alerts').or(alerts.locator('#alerts-state')).first().waitFor();
    expect(await alerts.locator('#alerts-state').textContent()).toBe(`Alerts on failed, recovered, sent to 127.0.0.1:${new URL(receiver.origin).port}/hook, 127.0.0.1:${new URL(receiver.origin).port}/refusing-hook (Slack).`);

    await page.getByRole('button', { name: 'Run now' }).click();
    const delivered = alerts.locator('tbody tr[data-status="delivered"]');
    const pending = alerts.locator('tbody tr[data-status="pending"]');
    await delivered.waitFor();
    await pending.waitFor();
    expect(await delivered.locator('td[data-label="Delivery"]').textContent()).toMatch(/^Delivered1 attempt, HTTP 200$/);
    expect(await pending.locator('td[data-label="Delivery"]').textContent()).toMatch(/^Pending1 attempt, HTTP 503, next .+HTTP 503/);
    expect(await pending.locator('td[data-label="Event"]').textContent()).toMatch(/^Failedrun \d+$/);
    await page.locator('#alerts-state').getByText('1 failed in a row now.').waitFor();
    await page.locator('#job-alerts').screenshot({ path: join(SCREENSHOTS, 'job-alerts.png') });
    await page.close();
    expect(browserErrors).toEqual([]);
  }, 60_000);
});
