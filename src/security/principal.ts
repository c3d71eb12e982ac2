import type { Role } from './roles';

/** Who made a request: set on every request the API serves, before any route runs. */
export interface Principal {
  /** The API key's name, a JWT's subject, or `anonymous` when no credential is configured. */
  name: string;
  role: Role;
  via: 'api-key' | 'oidc' | 'open';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Undefined on the paths authentication leaves open (/health*, the dashboard's files) and on /metrics. */
    principal?: Principal;
  }
}
