import type { Role } from './roles';

/** How a caller signed in: an API key, an OIDC bearer token, or nothing when no credential is configured. */
export const SIGN_IN_METHODS = ['api-key', 'oidc', 'open'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** Who made a request: set on every request the API serves, before any route runs. */
export interface Principal {
  /** The API key's name, a JWT's subject, or `anonymous` when no credential is configured. */
  name: string;
  role: Role;
  via: SignInMethod;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Undefined on the paths authentication leaves open (/health*, the dashboard's files) and on /metrics. */
    principal?: Principal;
  }
}
