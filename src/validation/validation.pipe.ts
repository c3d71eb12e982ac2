import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { badRequest, toFieldProblems } from './field-problems';
import { pathWithNulCharacter } from './nul-characters';

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
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters have their own pipes (IdPipe), which need the raw text.
    if (metadata.type === 'param') return value;
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && !isObject) throw badRequest([{ field: 'body', message: 'must be a JSON object' }]);
    const unknown = unknownFields(value, metadata);
    if (unknown.length > 0) throw badRequest(unknown.map((field) => ({ field, message: 'is not a known field' })));
    const nulPath = pathWithNulCharacter(value, '');
    if (nulPath !== undefined) {
      throw badRequest([{ field: nulPath || metadata.type, message: 'must not contain the NUL character (\\u0000)' }]);
    }
    return super.transform(value, metadata);
  }
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
