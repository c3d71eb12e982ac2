import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { YAML_TYPES } from './yaml-body';

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
/** The one route that also reads YAML: a jobs document applied (see yaml-body.ts). */
const YAML_ROUTE = /^\/jobs\/apply(\?|$)/;

const mediaType = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
const accepted = (request: FastifyRequest) =>
  JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '') || (YAML_ROUTE.test(request.url) && YAML_TYPES.includes(mediaType(request)));

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * The API reads JSON only. A body sent as a form (plain `curl -d`) or as text would otherwise be
 * parsed as something else and reported as one strange unknown field; say what to send instead.
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hasBody(request) || accepted(request)) return;
    const sent = request.headers['content-type'] ? `Content-Type ${request.headers['content-type']}` : 'no Content-Type';
    await reply.code(415).send({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `the body must be JSON sent with Content-Type: application/json (got ${sent})`,
    });
    return reply;
  });
}
