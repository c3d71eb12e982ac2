import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type supertest from 'supertest';
import { Clock } from '../../src/clock/clock';
import { contractClient } from './contract-client';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  /** Every response is checked against the API document (see contract-client.ts). */
  http: ReturnType<typeof supertest>;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real application, in process, on a database of its own. The environment is set before the
 * application's modules are loaded, since configuration is read once when they are. `reach` gives
 * the address the application uses for its database (through a proxy); `database.url` stays direct.
 * With `clock` (a MovedClock), the application runs on it instead of the real one.
 */
export async function startTestApp(
  environment: Record<string, string> = {},
  { reach = (url) => url, clock }: { reach?: (databaseUrl: string) => string; clock?: Clock } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  Object.assign(process.env, { LOG_LEVEL: 'error', THROTTLE_LIMIT: '0', ...environment, DATABASE_URL: reach(database.url), MIGRATE_ON_START: 'false' });
  const { AppModule } = await import('../../src/app.module.js');
  const { createApp } = await import('../../src/http/create-app.js');
  const app = await createApp(clock ? await withClock(AppModule, clock) : AppModule);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: contractClient(app.getHttpServer()),
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

function withClock(root: Type<unknown>, clock: Clock) {
  return Test.createTestingModule({ imports: [root] }).overrideProvider(Clock).useValue(clock).compile();
}
