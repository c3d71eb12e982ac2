import { stripVTControlCharacters } from 'node:util';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

describe('what a started service says', () => {
  let database: TestDatabase;
  const started: ServiceProcess[] = [];
  const startService = async (environment: Record<string, string>) => {
    const service = await ServiceProcess.start({ DATABASE_URL: database.url, SCHEDULER_TICK: '0 0 1 1 *', ...environment }, 'start-up-e2e');
    started.push(service);
    return service;
  };
  // pino-pretty colours its output; the escapes are not what a person reads.
  const linesOf = (service: ServiceProcess) => stripVTControlCharacters(service.output.join('')).split('\n');
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const service of started) await service.stop();
    await database?.drop();
  });

  it('says the address and port it listens on, and a URL of the dashboard that opens', async () => {
    const service = await startService({ LOG_LEVEL: 'log' });
    const line = await waitFor(async () => linesOf(service).find((text) => text.includes('listening on')), 10_000, 'the start-up line');
    expect(line).toContain(`listening on 127.0.0.1:${service.port}: dashboard at http://127.0.0.1:${service.port}/ui/`);
    const url = /dashboard at (\S+),/.exec(line)![1];
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"></div>');
  });

});
