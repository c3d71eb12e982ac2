import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { badRequest } from './field-problems';

/**
 * For a route that takes no body: nothing, or `{}`. Unknown fields are refused here as everywhere
 * else, rather than ignored. A parameter decorator, so the global pipe (which wants an object) leaves it alone.
 */
export const NoBody = createParamDecorator((_data: unknown, context: ExecutionContext): undefined => {
  const { body } = context.switchToHttp().getRequest<FastifyRequest>();
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest([{ field: 'body', message: 'must be absent or {}: this request takes no body' }]);
  const fields = Object.keys(body);
  if (fields.length > 0) throw badRequest(fields.map((field) => ({ field, message: 'is not a known field: this request takes no body' })));
  return undefined;
});
