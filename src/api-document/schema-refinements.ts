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

/**
 * A nullable field of a described type comes out as `nullable` beside `allOf: [{ $ref }]`, and
 * OpenAPI 3.0 checks the referenced schema even for null: null becomes an alternative of its own.
 */
export function nullableReferencesAcceptNull(document: OpenAPIObject): void {
  walk(document, (node) => {
    if (node.nullable !== true || !Array.isArray(node.allOf) || node.allOf.length !== 1) return;
    node.oneOf = [node.allOf[0], { type: 'object', nullable: true, enum: [null] }];
    delete node.allOf;
    delete node.type;
    delete node.nullable;
  });
}

/**
 * A query parameter read as a comma-separated list (`?status=failed,timed_out`) is one string in the
 * URL, though the DTO holds an array: the plugin leaves the array's `items` beside `type: string`. The
 * values it may hold go into a pattern instead.
 */
export function commaListsAsStrings(document: OpenAPIObject): void {
  walk(document, (node) => {
    if (node.type !== 'string' || typeof node.items !== 'object' || node.items === null) return;
    const values = (node.items as Node).enum;
    if (Array.isArray(values)) node.pattern = `^(${values.join('|')})(,(${values.join('|')}))*$`;
    delete node.items;
  });
}
