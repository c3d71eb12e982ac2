import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../security/principal';
import '../security/principal';

/** Who made a change, as the audit log records it. */
export interface Actor {
  /** The API key's name, the JWT's subject, or "anonymous" when no credential is configured. */
  name: string;
  via: Principal['via'];
  /** The client's address (from X-Forwarded-For with TRUST_PROXY). */
  address: string | null;
}

/** The caller of a route, for the audit log; every route that changes a job takes it. */
export const RequestActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const principal = request.principal ?? { name: 'anonymous', via: 'open' as const };
  return { name: principal.name, via: principal.via, address: request.ip ?? null };
});
