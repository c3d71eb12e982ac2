import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Request bodies in YAML (a jobs document for POST /jobs/apply) are read into the same values as JSON. */
export function acceptYamlBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parse(body as string, { maxAliasCount: 100 }) as unknown);
    } catch (error) {
      done(new BadRequestException(`body: is not valid YAML (${(error as Error).message.split('\n', 1)[0]})`), undefined);
    }
  });
}
