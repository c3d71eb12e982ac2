import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The committed API document (`npm run openapi` writes it from the built application). */
export const DOCUMENT_PATH = resolve(__dirname, '../../openapi/openapi.json');

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}
export interface ApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

export const apiDocument = JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as ApiDocument;

// OpenAPI keywords that are not JSON Schema (example, discriminator) are left alone; `nullable` is Ajv's own.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Date#toISOString writes a year past 9999 as ISO 8601's expanded form (+275760-09-13T00:00:00.000Z), which
// the schedule preview answers near the end of representable time; RFC 3339's date-time has no such years.
ajv.addFormat('date-time', /^[+-]\d{6}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
ajv.addSchema(apiDocument, 'openapi.json');

const pointer = (...segments: string[]) => segments.map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

const templates = Object.keys(apiDocument.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const validators = new Map<string, ValidateFunction>();

function validatorFor(template: string, method: string, status: string): ValidateFunction {
  const key = `${method} ${template} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#/${pointer('paths', template, method, 'responses', status, 'content', 'application/json', 'schema')}` });
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Why a response disagrees with the document, if it does: an operation the document lists must list
 * the status, and a JSON body must match its schema. Paths the document does not list (the dashboard,
 * Swagger UI, /metrics) and methods it does not list (405s, HEAD) are not its business.
 */
export function contractProblem(method: string, url: string, response: { status: number; body: unknown; headers: Record<string, string> }): string | undefined {
  const path = new URL(url, 'http://service').pathname;
  const template = templates.find((candidate) => candidate.pattern.test(path))?.template;
  const operation = template === undefined ? undefined : apiDocument.paths[template][method];
  if (template === undefined || !operation) return undefined;
  const status = String(response.status);
  const documented = operation.responses[status];
  if (!documented) return `${method.toUpperCase()} ${template} answered ${status}, which the document does not list (it lists ${Object.keys(operation.responses).join(', ')})`;
  if (!documented.content?.['application/json'] || !/json/.test(response.headers['content-type'] ?? '')) return undefined;
  const validate = validatorFor(template, method, status);
  if (validate(response.body)) return undefined;
  return `${method.toUpperCase()} ${url} answered ${status} with a body the document refuses: ${ajv.errorsText(validate.errors)}\n  body: ${JSON.stringify(response.body).slice(0, 500)}`;
}
