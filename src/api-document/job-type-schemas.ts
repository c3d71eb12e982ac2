import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { declaredJobTypes } from '../job-types/job-type.decorator';

const reference = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const variantName = (type: string) => `${type[0].toUpperCase()}${type.slice(1)}JobResponse`;

/**
 * `type` as the enum of the declared job types, and `params` as what each type's own parameter class
 * takes (unknown fields refused, as the API does). A job as answered is one of a variant per type,
 * told apart by `type`; a request body's `params` is one of the parameter schemas, since a PATCH may
 * leave the type to the stored job.
 */
export function describeJobTypes(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject | undefined>;
  // Without the Swagger plugin (sources run by Jest through SWC) the DTOs have no properties to refine.
  const job = schemas.JobResponse;
  if (!job?.properties?.params) return;
  const types = declaredJobTypes();
  for (const { paramsClass } of types) parametersAsTaken(schemas[paramsClass.name] as SchemaObject);
  const typeNames = types.map((type) => type.name);
  const anyParams = types.map((type) => reference(type.paramsClass.name));
  for (const name of ['CreateJobDto', 'UpdateJobDto']) {
    const properties = (schemas[name] as SchemaObject).properties as Record<string, SchemaObject>;
    properties.type = { ...properties.type, enum: typeNames };
    properties.params = { description: properties.params.description, oneOf: anyParams };
  }
  const mapping: Record<string, string> = {};
  for (const { name, paramsClass } of types) {
    mapping[name] = reference(variantName(name)).$ref;
    schemas[variantName(name)] = {
      ...job,
      description: `A job of type ${name}.`,
      properties: { ...job.properties, type: { type: 'string', enum: [name] }, params: reference(paramsClass.name) },
    };
  }
  schemas.JobResponse = {
    description: 'A job; its `type` says which parameters `params` holds.',
    oneOf: types.map((type) => reference(variantName(type.name))),
    discriminator: { propertyName: 'type', mapping },
  };
}

/** Unknown fields are refused, and a field with a default may be left out (answers always carry it). */
function parametersAsTaken(schema: SchemaObject): void {
  const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
  schema.additionalProperties = false;
  schema.required = schema.required?.filter((name) => properties[name]?.default === undefined);
  if (schema.required?.length === 0) delete schema.required;
}
