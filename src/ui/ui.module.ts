import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `npm run build:ui` writes the dashboard here; the same path from src/ui (tests) and dist/ui (built). */
export const DASHBOARD_ROOT = resolve(__dirname, '..', '..', 'dist-ui');
const PREFIX = '/ui';

/**
 * Serves the dashboard (ui/, built by Vite) at /ui and redirects / there. The files are static; the
 * page talks to the REST API like any other client, so it needs nothing from the application but a
 * route. Registered on Fastify directly: Nest's controllers have no use for static files.
 */
@Injectable()
export class DashboardFiles implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get('/', (_request, reply) => reply.redirect(`${PREFIX}/`, 302));
    if (!existsSync(join(DASHBOARD_ROOT, 'index.html'))) {
      // A service built without its dashboard still serves the API; only /ui says what is missing.
      this.logger.warn(`${DASHBOARD_ROOT} has no index.html: run \`npm run build:ui\`; /ui answers 503 until then`);
      const missing = (_request: unknown, reply: FastifyReply) =>
        reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built. Run `npm run build:ui` and restart the service.\n');
      fastify.get(PREFIX, missing);
      fastify.get(`${PREFIX}/*`, missing);
      return;
    }
    this.serve(fastify);
  }

  private serve(fastify: FastifyInstance): void {
    const indexHtml = readFileSync(join(DASHBOARD_ROOT, 'index.html'));
    const sendIndex = (_request: unknown, reply: FastifyReply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);

    void fastify.register(fastifyStatic, {
      root: DASHBOARD_ROOT,
      prefix: `${PREFIX}/`,
      // One route per built file, found once at start-up, so that every other /ui/* path can fall back
      // to index.html below: the dashboard's own routes (/ui/jobs/7) are client-side.
      wildcard: false,
      // Swagger also registers @fastify/static; only one of them may decorate the reply.
      decorateReply: false,
      schemaHide: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        // Vite puts a content hash in every asset's name, so they never change; index.html always may.
        const immutable = path.includes(`${join(DASHBOARD_ROOT, 'assets')}`);
        void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    fastify.get(PREFIX, (_request, reply) => reply.redirect(`${PREFIX}/`, 301));
    fastify.get(`${PREFIX}/*`, (request, reply) => {
      // A file that is not there (an old asset after a deploy) is a 404, not the page.
      if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0])) {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `${request.url.split('?')[0]} does not exist` });
      }
      return sendIndex(request, reply);
    });
  }
}

@Module({ providers: [DashboardFiles] })
export class UiModule {}
