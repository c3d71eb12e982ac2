import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type supertest from 'supertest';
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
 * application's modules are loaded, since configuration is read once when they are.
 */
export async function startTestApp(environment: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  Object.assign(process.env, { LOG_LEVEL: 'error', THROTTLE_LIMIT: '0', ...environment, DATABASE_URL: database.url, MIGRATE_ON_START: 'false' });
  const { AppModule } = await import('../../src/app.module.js');
  const { createApp } = await import('../../src/http/create-app.js');
  const app = await createApp(AppModule);
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
