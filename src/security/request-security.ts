import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from './authenticator';
import { TokenRefused } from './token-refused';
import { RateLimiter } from './rate-limit/rate-limiter';
import './principal';

/** Paths anyone may reach: probes, and the dashboard's static files (which hold no data). */
const OPEN_PATHS = /^\/(health(\/.*)?|ui(\/.*)?)?$/;
/** Probes are never rate-limited: a throttled liveness check would restart a healthy instance. */
const NOT_LIMITED = /^\/health(\/|$)/;

function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

async function refuse(reply: FastifyReply, status: 401 | 403 | 429, message: string): Promise<FastifyReply> {
  const error = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' }[status];
  if (status === 401) void reply.header('www-authenticate', 'Bearer');
  await reply.code(status).send({ statusCode: status, error, message });
  return reply;
}

/**
 * What every request goes through before any route runs (Swagger's and the dashboard's included):
 * the rate limit per client, then authentication, which sets `request.principal`. The role a route
 * needs is checked afterwards, by RolesGuard.
 */
@Injectable()
export class RequestSecurity {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: RateLimiter,
  ) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply) => this.limit(request, reply));
    fastify.addHook('onRequest', (request, reply) => this.authenticate(request, reply));
  }

  private async limit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (!this.rateLimiter.enabled || NOT_LIMITED.test(request.url)) return;
    const count = await this.rateLimiter.hit(request.ip);
    if (count.allowed) return;
    void reply.header('retry-after', String(count.retryAfterSeconds));
    return refuse(reply, 429, 'too many requests: slow down and retry after the number of seconds in Retry-After');
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const path = request.url.split('?')[0];
    if (request.method === 'OPTIONS' || OPEN_PATHS.test(path)) return;
    const presented = bearerToken(request);
    try {
      if (path === '/metrics') this.authenticator.authenticateScraper(presented);
      else request.principal = await this.authenticator.authenticate(presented);
    } catch (error) {
      if (error instanceof TokenRefused) return refuse(reply, error.status, error.message);
      throw error;
    }
  }
}
