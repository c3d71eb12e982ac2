import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Authenticator } from './authenticator';
import { TokenRefused } from './token-refused';
import { RateLimiter } from './rate-limit/rate-limiter';
import { redactSecrets } from './redact-secrets';
import './required-role.decorator';
import './principal';

/**
 * Paths anyone may reach: probes, the dashboard's static files, and Swagger UI with the API document,
 * which hold no data. Swagger UI must load the document before its Authorize button can take a token.
 */
const OPEN_PATHS = /^\/(health(\/.*)?|ui(\/.*)?|api(-json|-yaml|\/.*)?)?$/;
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
 * What every request goes through, around the routes (Swagger's and the dashboard's included): the
 * rate limit per client, then authentication, which sets `request.principal`, and on the way out
 * the secrets of the API's answers, hidden from every role but admin. The role a route needs is
 * checked in between, by RolesGuard. Fastify hooks rather than Nest interceptors: an interceptor
 * on every route cost a fifth of the API's throughput.
 */
@Injectable()
export class RequestSecurity {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: RateLimiter,
  ) {}

  install(fastify: FastifyInstance): void {
    if (this.rateLimiter.enabled) fastify.addHook('onRequest', (request, reply) => this.limit(request, reply));
    fastify.addHook('onRequest', (request, reply, done) => this.authenticate(request, reply, done));
    fastify.addHook('preSerialization', (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) =>
      done(null, this.visible(request, payload)),
    );
  }

  private async limit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (NOT_LIMITED.test(request.url)) return;
    const count = await this.rateLimiter.hit(request.ip);
    if (count.allowed) return;
    void reply.header('retry-after', String(count.retryAfterSeconds));
    return refuse(reply, 429, 'too many requests: slow down and retry after the number of seconds in Retry-After');
  }

  /** API keys are checked synchronously; only a JWT waits (for the issuer's keys, the first time). */
  private authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const path = request.url.split('?')[0];
    if (request.method === 'OPTIONS' || OPEN_PATHS.test(path)) return done();
    const presented = bearerToken(request);
    const refused = (error: unknown) => {
      if (error instanceof TokenRefused) void refuse(reply, error.status, error.message);
      else done(error as Error);
    };
    try {
      if (path === '/metrics') {
        this.authenticator.authenticateScraper(presented);
        return done();
      }
      const principal = this.authenticator.authenticate(presented);
      if (!(principal instanceof Promise)) {
        request.principal = principal;
        return done();
      }
      principal.then((verified) => {
        request.principal = verified;
        done();
      }, refused);
    } catch (error) {
      refused(error);
    }
  }

  /** An answer of the API (a route that declares a role) without its secrets, unless the caller is an admin. */
  private visible(request: FastifyRequest, payload: unknown): unknown {
    const role = request.principal?.role;
    return role && role !== 'admin' && request.routeOptions.config.roleRequirement ? redactSecrets(payload) : payload;
  }
}
