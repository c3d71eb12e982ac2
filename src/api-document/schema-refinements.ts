import type { OpenAPIObject } from '@nestjs/swagger';

type Node = Record<string, unknown>;

/** Calls `visit` on every object in the document, depth first. */
function walk(value: unknown, visit: (node: Node) => void): void {
  if (typeof value !== 'object' || value === null) return;
  if (!Array.isArray(value)) visit(value as Node);
  for (const child of Object.values(value)) walk(child, visit);
}

/**
 * TypeScript has only `number`, which the Swagger plugin writes as such; this API has no fractional
 * numbers (ids, counts, attempts, milliseconds, statuses), so each is an integer, and a generated
 * client refuses `/jobs/1.5` as the server does. A fractional field would need its own exception here.
 */
export function integersOnly(document: OpenAPIObject): void {
  walk(document, (node) => {
    if (node.type === 'number') node.type = 'integer';
  });
}

/** OpenAPI 3.0 checks `enum` before `nullable`, so a nullable enum lists null among its values. */
export function nullableEnumsAcceptNull(document: OpenAPIObject): void {
  walk(document, (node) => {
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  });
}
