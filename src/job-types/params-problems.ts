import { type FieldProblem, validateObject } from '../validation/field-problems';
import { declaredJobTypes } from './job-type.decorator';

/**
 * The problems of `params` as the named type's parameter class sees them, without the checks that
 * depend on configuration (a disabled type, the outbound policy). Nothing for a type that is not
 * one, or params that are not an object: those are the `type` and `params` fields' own problems.
 */
export function paramsShapeProblems(type: unknown, params: unknown): FieldProblem[] {
  const declaration = declaredJobTypes().find((candidate) => candidate.name === type);
  if (!declaration || typeof params !== 'object' || params === null || Array.isArray(params)) return [];
  return validateObject(declaration.paramsClass, params, 'params').problems;
}
