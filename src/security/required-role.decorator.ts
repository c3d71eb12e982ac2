import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import type { FastifyRequest } from 'fastify';
import type { Role } from './roles';

export const ROLE_REQUIREMENT = 'security:role-requirement';

/** What a route asks of the caller's role; RolesGuard reads it, and the API document can show it. */
export interface RoleRequirement {
  role: Role;
  /** A lower role allowed some of the route's requests, such as an operator's PATCH of isActive alone. */
  except?: { role: Role; for: string; applies: (request: FastifyRequest) => boolean };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the API's routes (by RequiredRole), whose answers hide secrets from roles below admin. */
    roleRequirement?: RoleRequirement;
  }
}

/**
 * The least role that may call the route. A route without a declaration needs `admin`, so that a
 * forgotten one fails closed. Declared twice: as Nest metadata, which RolesGuard and the API
 * document read, and in the route's Fastify config, which the hook hiding secrets from the answer reads.
 * The document shows the route as needing a bearer token, refused with 401, 403 or 429.
 */
export const RequiredRole = (role: Role, except?: RoleRequirement['except']) => {
  const requirement: RoleRequirement = { role, except };
  return applyDecorators(
    SetMetadata(ROLE_REQUIREMENT, requirement),
    RouteConfig({ roleRequirement: requirement }),
    ApiBearerAuth('bearer'),
    ApiErrors(401, 403, 429),
  );
};

/** No role applies: the route is open (probes) or has a credential of its own (/metrics), checked before any route runs. */
export const NoRoleRequired = () => SetMetadata(ROLE_REQUIREMENT, null);

/** For `except`: a JSON body whose fields are exactly these. */
export const bodyWithOnly =
  (...fields: string[]) =>
  ({ body }: FastifyRequest): boolean =>
    typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).sort().join() === [...fields].sort().join();
