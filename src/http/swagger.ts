import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildApiDocument } from '../api-document/build-api-document';

/** Swagger UI at /api, the OpenAPI document at /api-json; Authorize keeps its token across reloads. */
export function setUpSwagger(app: INestApplication): void {
  SwaggerModule.setup('api', app, buildApiDocument(app), { jsonDocumentUrl: 'api-json', swaggerOptions: { persistAuthorization: true } });
}
