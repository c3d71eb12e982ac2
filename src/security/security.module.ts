import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RequestSecurity } from './request-security';
import { RolesGuard } from './roles.guard';

/**
 * Who may do what: the rate limit and authentication of every request and the secrets hidden from
 * what non-admins read (RequestSecurity, installed on Fastify by createApp), and the role each
 * route declares (RolesGuard).
 */
@Module({
  providers: [
    Authenticator,
    RateLimiter,
    RequestSecurity,
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [RequestSecurity],
})
export class SecurityModule {}
