import { BadRequestException, ConflictException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Checks of what a value is, which come before checks of its size or range: "abc" as a limit is
 * "not an integer", not also "less than 1" and "greater than 100".
 */
const TYPE_CONSTRAINTS = ['whitelistValidation', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isArray', 'isDate', 'isIn', 'isEnum'];
const rank = (constraint: string) => (TYPE_CONSTRAINTS.includes(constraint) ? TYPE_CONSTRAINTS.indexOf(constraint) : TYPE_CONSTRAINTS.length);

/** Flattens class-validator errors into `path: problem` pairs, one per field (the first that applies), nested objects included. */
export function toFieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // Optional fields never fail when absent, so an absent value with errors is a missing required field.
    if (error.value === undefined && error.constraints) return [{ field, message: 'is required' }];
    const [first] = Object.entries(error.constraints ?? {}).sort(([a], [b]) => rank(a) - rank(b));
    if (first) return [{ field, message: first[0] === 'whitelistValidation' ? 'is not a known field' : stripPropertyName(first[1], error.property) }];
    return toFieldProblems(error.children ?? [], field);
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

const describe = (problems: FieldProblem[]) => problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');

/** A 400 whose message names each field and its problem, with the same list as `fields`. */
export function badRequest(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: describe(problems), fields: problems });
}

/** A 409 in the same shape: the request is well formed, but the field clashes with what is stored. */
export function conflict(problems: FieldProblem[]): ConflictException {
  return new ConflictException({ statusCode: 409, error: 'Conflict', message: describe(problems), fields: problems });
}
