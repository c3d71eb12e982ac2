import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

export const JOB_TYPE_METADATA = 'scheduler:job-type';

/** A job type's name and the class-validator DTO describing its `params`. */
export interface JobTypeDeclaration {
  name: string;
  paramsClass: new () => object;
}

const declarations = new Map<string, JobTypeDeclaration>();

/**
 * Registers a provider as the strategy for jobs whose `type` is `name`, with `params` described by
 * `paramsClass`. Declarations are also kept here, readable before the application starts: the API
 * document and request validation describe every type from them.
 */
export const JobType = (name: string, paramsClass: new () => object) => {
  const declaration = { name, paramsClass };
  declarations.set(name, declaration);
  return applyDecorators(Injectable(), SetMetadata(JOB_TYPE_METADATA, declaration));
};

/** Every declared job type, by name. */
export function declaredJobTypes(): JobTypeDeclaration[] {
  return [...declarations.values()].sort((a, b) => a.name.localeCompare(b.name));
}
