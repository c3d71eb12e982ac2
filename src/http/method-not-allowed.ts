import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/jobs/:id/runs` as a regular expression over concrete paths; `*` matches the rest. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * A known path asked with a method it does not take answers 405 with `Allow`, not 404: the client
 * got the path right and should change the method. Routes are collected as Fastify registers them,
 * so this must be installed before the application's routes are.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = new Map<string, KnownRoute>();
  fastify.addHook('onRoute', ({ url, method }) => {
    const known = routes.get(url) ?? { pattern: patternOf(url), methods: new Set<string>() };
    for (const name of [method].flat()) known.methods.add(name);
    routes.set(url, known);
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== undefined) return;
    const path = request.url.split('?')[0];
    const allowed = [...routes.values()].filter((route) => route.pattern.test(path)).flatMap((route) => [...route.methods]);
    if (allowed.length === 0) return;
    const allow = [...new Set(allowed)].sort().join(', ');
    await reply
      .code(405)
      .header('allow', allow)
      .send({ statusCode: 405, error: 'Method Not Allowed', message: `${request.method} is not a method of ${path}; use one of: ${allow}` });
    return reply;
  });
}
