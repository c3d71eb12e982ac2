import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { validateEnvironment } from '../config/environment';
import { Metrics } from '../observability/metrics';
import { recordHttpMetrics } from '../observability/http-metrics';
import { RequestSecurity } from '../security/request-security';
import { commaSeparated } from '../config/comma-separated';
import { createValidationPipe } from '../validation/validation.pipe';
import { GlobalExceptionFilter } from './global-exception.filter';
import { requireJsonBodies } from './json-bodies';
import { answerMethodNotAllowed } from './method-not-allowed';
import { securityHeaders } from './security-headers';
import { setUpSwagger } from './swagger';
import { acceptYamlBodies } from './yaml-body';

/** Swagger UI and the dashboard load their own scripts and styles; nothing comes from elsewhere. */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    // The service is often served over plain HTTP inside a network; upgrading would break it there.
    upgradeInsecureRequests: null,
  },
};

/** A compiled module that makes the application, as @nestjs/testing's TestingModule (with providers replaced). */
export interface ApplicationSource {
  createNestApplication<T extends INestApplication>(adapter: FastifyAdapter, options: NestApplicationOptions): T;
}

/**
 * The application with everything main.ts and the tests share: hardening, auth, pipes, Swagger.
 * From the root module (main.ts), or from a compiled one whose providers a test replaced.
 */
export async function createApp(root: Type<unknown> | ApplicationSource): Promise<NestFastifyApplication> {
  const environment = validateEnvironment(process.env);
  const adapter = new FastifyAdapter({
    bodyLimit: environment.BODY_LIMIT_BYTES,
    requestTimeout: environment.REQUEST_TIMEOUT_MS,
    http: {
      // Node looks for requests past their timeout only every 30 s by default, which would let a slow
      // client hold a connection for up to 30 s beyond REQUEST_TIMEOUT_MS.
      connectionsCheckingInterval: Math.min(1_000, environment.REQUEST_TIMEOUT_MS),
      // Node derives this from requestTimeout only when both are given to createServer; Fastify sets
      // requestTimeout afterwards, and with the 60 s default a request whose body stalls was never cut off.
      headersTimeout: Math.min(60_000, environment.REQUEST_TIMEOUT_MS),
    },
    trustProxy: environment.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const options = { bufferLogs: true, abortOnError: false };
  const app =
    typeof root === 'function'
      ? await NestFactory.create<NestFastifyApplication>(root, adapter, options)
      : root.createNestApplication<NestFastifyApplication>(adapter, options);
  const logger = app.get(Logger);
  app.useLogger(logger);
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  app.get(RequestSecurity).install(fastify);
  answerMethodNotAllowed(fastify);
  requireJsonBodies(fastify);
  acceptYamlBodies(fastify);
  recordHttpMetrics(fastify, app.get(Metrics));
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  const origins = commaSeparated(environment.CORS_ORIGINS);
  if (origins.length > 0) app.enableCors({ origin: origins });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());
  setUpSwagger(app);
  return app;
}
