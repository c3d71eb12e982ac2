import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { redactSecrets } from './redact-secrets';
import './principal';

/**
 * Only admins, who may set secrets, may read them back: every other role gets each response with
 * its secrets redacted (headers, env, body values, secret-named keys, URL userinfo and query).
 */
@Injectable()
export class SecretRedaction implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const role = context.switchToHttp().getRequest<FastifyRequest>().principal?.role;
    return role === undefined || role === 'admin' ? next.handle() : next.handle().pipe(map((body: unknown) => redactSecrets(body)));
  }
}
