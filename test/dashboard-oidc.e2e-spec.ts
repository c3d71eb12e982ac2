import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { OidcIssuer } from './support/oidc-issuer';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const CHROMIUM = '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

// Skipped with dashboard.e2e-spec.ts's message when Chromium is missing.
maybe('the dashboard with a pasted OIDC token', () => {
  let issuer: OidcIssuer;
  let database: TestDatabase;
  let service: ServiceProcess;
  let context: BrowserContext;
  const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-oidc-'));

  beforeAll(async () => {
    issuer = await OidcIssuer.start();
    database = await createTestDatabase();
    service = await ServiceProcess.start(
      { DATABASE_URL: database.url, OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: 'job-scheduler', SCHEDULER_ENABLED: 'false' },
      'dashboard-oidc',
    );
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context.setDefaultTimeout(10_000);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await service?.stop();
    await database?.drop();
    await issuer?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('asks for a token on the 401, then sends the pasted JWT as a bearer and lists the jobs', async () => {
    const token = await issuer.sign({ sub: 'ann', roles: ['reader'] });
    const admin = await issuer.sign({ sub: 'root', roles: ['admin'] });
    const created = await fetch(`${service.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: 'Visible to a reader', schedule: '0 9 * * *' }),
    });
    expect(created.status).toBe(201);

    const page = await context.newPage();
    const sent: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/jobs') sent.push(request.headers().authorization);
    });
    await page.goto(`${service.url}/ui/`);
    const dialog = page.getByRole('dialog', { name: 'API token needed' });
    await dialog.waitFor();
    await dialog.getByLabel('API token').fill(token);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Visible to a reader', exact: true }).waitFor();
    expect(sent[0]).toBeUndefined();
    expect(sent.at(-1)).toBe(`Bearer ${token}`);
    await page.close();
  });
});
