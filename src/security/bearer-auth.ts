import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Paths anyone may reach: probes, and the dashboard's static files (which hold no data). */
const OPEN_PATHS = /^\/(health(\/.*)?|ui(\/.*)?)?$/;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests of equal length, so the time taken says nothing about the token. */
function matchesAny(presented: string, digests: Buffer[]): boolean {
  const presentedDigest = digest(presented);
  return digests.reduce((found, tokenDigest) => timingSafeEqual(tokenDigest, presentedDigest) || found, false);
}

function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * Checks bearer tokens before any route runs (Swagger's included): API_TOKENS for the API,
 * METRICS_TOKEN alone for /metrics. A list that is empty leaves its routes open.
 */
export function requireBearerTokens(fastify: FastifyInstance, apiTokens: string[], metricsToken: string | undefined): void {
  const apiDigests = apiTokens.map(digest);
  const metricsDigests = metricsToken ? [digest(metricsToken)] : [];
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (request.method === 'OPTIONS' || OPEN_PATHS.test(path)) return done();
    const digests = path === '/metrics' ? metricsDigests : apiDigests;
    if (digests.length === 0) return done();
    const presented = bearerToken(request);
    if (presented && matchesAny(presented, digests)) return done();
    void reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({
        statusCode: 401,
        error: 'Unauthorized',
        message: presented ? 'the bearer token is not valid' : 'a bearer token is required: send Authorization: Bearer <token>',
      });
  });
}
