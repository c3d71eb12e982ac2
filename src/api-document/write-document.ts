import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where the committed document lives; the contract tests read it and check it against the app. */
export const DOCUMENT_PATH = resolve(__dirname, '../../openapi/openapi.json');

/**
 * `npm run openapi`: writes the document of the built application to openapi/openapi.json. The
 * application is created but never started, so no database is reached (the URL only has to parse).
 */
async function main(): Promise<void> {
  Object.assign(process.env, {
    DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi',
    MIGRATE_ON_START: 'false',
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'error',
  });
  const { AppModule } = await import('../app.module.js');
  const { createApp } = await import('../http/create-app.js');
  const { buildApiDocument } = await import('./build-api-document.js');
  const app = await createApp(AppModule);
  const document = buildApiDocument(app);
  mkdirSync(dirname(DOCUMENT_PATH), { recursive: true });
  writeFileSync(DOCUMENT_PATH, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${DOCUMENT_PATH}`);
  process.exit(0);
}

void main();
