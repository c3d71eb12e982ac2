import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/**
 * Times every request in Fastify's own hooks, so 4xx answered before any controller (bad JSON,
 * 413, 401) count too. Routes are labelled by template (/jobs/:id), never by raw URL.
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
