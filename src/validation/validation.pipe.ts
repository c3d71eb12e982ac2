import { type ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { badRequest, type FieldProblem, toFieldProblems } from './field-problems';
import { fieldNestedTooDeep, MAX_NESTING_DEPTH } from './nesting-depth';
import { pathWithNulCharacter } from './nul-characters';
import { PaginationQuery } from './pagination.query';

/**
 * A DTO whose fields have problems that only a service can check in full (a job's `params`, checked
 * by its type) may offer the ones it can see from the body alone, so that one answer lists them all.
 */
interface WithCompanionProblems {
  companionProblems(body: Record<string, unknown>): FieldProblem[];
}

const hasCompanionProblems = (metatype: unknown): metatype is WithCompanionProblems =>
  typeof (metatype as Partial<WithCompanionProblems> | undefined)?.companionProblems === 'function';

/** In a list's query (filters and page), an empty value (`?type=`) counts as absent, for every parameter alike. */
function withoutEmptyValues(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

/**
 * Keys the DTO does not declare. class-validator's whitelist misses keys that name members of
 * Object.prototype ("constructor", "toString"), so own keys are checked against the DTO here.
 */
function unknownFields(value: unknown, { metatype }: ArgumentMetadata): string[] {
  if (!metatype || typeof value !== 'object' || value === null) return [];
  const declared = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(metatype, '', true, false)
      .map((rule) => rule.propertyName),
  );
  if (declared.size === 0) return [];
  return Object.keys(value).filter((key) => !declared.has(key));
}

/** Bodies and query strings: unknown fields refused, values converted to their declared types. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(raw: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters have their own pipes (IdPipe), which need the raw text.
    if (metadata.type === 'param') return raw;
    const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
    if (metadata.type === 'body' && !isObject) throw badRequest([{ field: 'body', message: 'must be a JSON object' }]);
    const isListQuery = metadata.type === 'query' && isObject && metadata.metatype?.prototype instanceof PaginationQuery;
    const value = isListQuery ? withoutEmptyValues(raw as Record<string, unknown>) : raw;
    const unknown = unknownFields(value, metadata);
    if (unknown.length > 0) throw badRequest(unknown.map((field) => ({ field, message: 'is not a known field' })));
    const tooDeep = fieldNestedTooDeep(value);
    if (tooDeep !== undefined) throw badRequest([{ field: tooDeep, message: `must not nest objects or arrays more than ${MAX_NESTING_DEPTH} levels deep` }]);
    const nulPath = pathWithNulCharacter(value, '');
    if (nulPath !== undefined) {
      throw badRequest([{ field: nulPath || metadata.type, message: 'must not contain the NUL character (\\u0000)' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      throw withCompanionProblems(error, value as Record<string, unknown>, metadata);
    }
  }
}

function withCompanionProblems(error: unknown, body: Record<string, unknown>, { metatype }: ArgumentMetadata): unknown {
  if (!(error instanceof BadRequestException) || !hasCompanionProblems(metatype)) return error;
  const fields = (error.getResponse() as { fields?: FieldProblem[] }).fields ?? [];
  const companions = metatype.companionProblems(body).filter((problem) => !fields.some((named) => named.field === problem.field));
  return companions.length > 0 ? badRequest([...fields, ...companions]) : error;
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => badRequest(toFieldProblems(errors)),
  });
}
