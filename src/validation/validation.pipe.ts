import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { badRequest, toFieldProblems } from './field-problems';
import { pathWithNulCharacter } from './nul-characters';

/** Bodies and query strings: unknown fields refused, values converted to their declared types. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters have their own pipes (IdPipe), which need the raw text.
    if (metadata.type === 'param') return value;
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && !isObject) throw badRequest([{ field: 'body', message: 'must be a JSON object' }]);
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
