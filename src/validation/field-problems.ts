import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Flattens class-validator errors into `path: problem` pairs, nested objects included. */
export function toFieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // Optional fields never fail when absent, so an absent value with errors is a missing required field.
    if (error.value === undefined && error.constraints) return [{ field, message: 'is required' }];
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: constraint === 'whitelistValidation' ? 'is not a known field' : stripPropertyName(message, error.property),
    }));
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}

/** class-validator messages start with the property name; the field is named separately here. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Validates a plain object against a DTO class; unknown keys are problems too. */
export function validateObject<T extends object>(cls: new () => T, value: object, prefix: string) {
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  return { instance, problems: toFieldProblems(errors, prefix) };
}

/** A 400 whose message names each field and its problem, with the same list as `fields`. */
export function badRequest(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
    fields: problems,
  });
}
