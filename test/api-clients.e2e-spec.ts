import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import * as ts from 'typescript';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The service with API_TOKENS set, as two kinds of client meet it: the README's typed-client example,
 * compiled and run as it is written, and Swagger UI in Debian's Chromium, authorized with a token.
 */
const ROOT = resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'swagger-and-client-token';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Swagger UI's browser test is skipped: no browser at ${CHROMIUM}. Install it with: apt-get install -y chromium`);

/** The first `ts` block after README's "### Typed client" heading. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Typed client'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no ts block under "### Typed client"');
  return block[1];
}

/** The compiler's complaints about `file`, type-checked strictly as a module with Node's types. */
function compileErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('clients of a service with API_TOKENS', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await ServiceProcess.start({ DATABASE_URL: database.url, API_TOKENS: TOKEN, SCHEDULER_TICK: '0 0 1 1 *' }, 'api-clients-e2e');
    folder = mkdtempSync(join(tmpdir(), 'api-clients-'));
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it("compiles README's typed-client example, and running it creates a job and reads its runs", async () => {
    const example = readmeExample();
    const checked = join(folder, 'example.mts');
    writeFileSync(checked, example.replace("'./src/api-client/scheduler-api'", JSON.stringify(join(ROOT, 'src/api-client/scheduler-api'))));
    expect(compileErrors(checked)).toEqual([]);

    // What it compiles to is the same text without types: Node runs it against the built client.
    const runnable = join(folder, 'example.mjs');
    const built = JSON.stringify(join(ROOT, 'dist/api-client/scheduler-api.js'));
    writeFileSync(runnable, ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 } }).outputText.replace("'./src/api-client/scheduler-api'", built).replace('http://localhost:3000', service.url));
    const { stdout } = await promisify(execFile)(process.execPath, [runnable], { env: { ...process.env, SCHEDULER_TOKEN: TOKEN } });
    expect(stdout).toMatch(/^\d{4}-\d\d-\d\dT02:00:00\.000Z 0\n$/);

    const listed = await fetch(`${service.url}/jobs?search=Nightly`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await listed.json()) as { data: { name: string }[] }).data.map((job) => job.name)).toEqual(['Nightly backup']);
  }, 60_000);

  (haveChromium ? describe : describe.skip)('Swagger UI', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    }, 60_000);
    afterAll(() => browser?.close());

    it('loads without a token, answers 401 until Authorize is given one, then 200', async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${service.url}/api`);
      const operation = page.locator('#operations-jobs-listJobs');
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const execute = async () => {
        await operation.getByRole('button', { name: 'Execute' }).click();
        const status = operation.locator('.live-responses-table tbody .response-col_status').first();
        await status.waitFor();
        const text = (await status.textContent()) ?? '';
        await operation.getByRole('button', { name: 'Clear' }).click();
        return text.trim();
      };
      expect(await execute()).toMatch(/^401/);

      await page.locator('.auth-wrapper .authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('input').fill(TOKEN);
      await dialog.locator('button.authorize').click();
      await dialog.locator('button.btn-done, button.close-modal').first().click();
      expect(await execute()).toMatch(/^200/);
      await page.close();
    }, 60_000);
  });
});
