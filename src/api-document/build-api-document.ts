import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { declaredJobTypes } from '../job-types/job-type.decorator';
import { describeJobTypes } from './job-type-schemas';
import { commaListsAsStrings, integersOnly, nullableEnumsAcceptNull, nullableReferencesAcceptNull } from './schema-refinements';

export const BEARER_SCHEME = 'bearer';

/**
 * The OpenAPI document of the running application: what the controllers and DTOs declare, with the
 * job types' own parameter classes, refined where the Swagger plugin says less than the code does.
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Job scheduler')
    .setDescription('Cron jobs stored in PostgreSQL; every due occurrence runs exactly once across all instances.')
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The service that serves this document')
    .addTag('jobs', 'Jobs, their runs and their next occurrences')
    .addTag('jobs as code', 'Every job as one document: export it, apply it')
    .addTag('runs', 'Runs across all jobs, and cancelling one')
    .addTag('scheduler', 'The maintenance switch: pause and resume every instance')
    .addTag('audit', 'Who changed which job, when and how')
    .addTag('schedules', 'Cron expressions that are not (yet) jobs')
    .addTag('job-types', 'The job types of this service and whether it accepts new jobs of each')
    .addTag('health', 'Liveness and readiness probes, open to anyone')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (API_TOKENS) or an OIDC access token' }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: declaredJobTypes().map((type) => type.paramsClass),
    operationIdFactory: (_controller, method) => method,
  });
  describeJobTypes(document);
  integersOnly(document);
  nullableEnumsAcceptNull(document);
  nullableReferencesAcceptNull(document);
  commaListsAsStrings(document);
  describeResponses(document);
  return document;
}

/** Open operations say so (`security: []`), and every response has a description. */
function describeResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      for (const [status, response] of Object.entries(operation.responses as Record<string, { description?: string }>)) {
        if (!response.description) response.description = STATUS_CODES[status] ?? status;
      }
    }
  }
}
