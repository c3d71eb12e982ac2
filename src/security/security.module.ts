import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RequestSecurity } from './request-security';
import { RolesGuard } from './roles.guard';
import { SecretRedaction } from './secret-redaction.interceptor';

/**
 * Who may do what: the rate limit and authentication of every request (RequestSecurity, installed
 * on Fastify by createApp), the role each route declares (RolesGuard), and secrets redacted from
 * what non-admins read (SecretRedaction).
 */
@Module({
  providers: [
    Authenticator,
    RateLimiter,
    RequestSecurity,
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_INTERCEPTOR, useClass: SecretRedaction },
  ],
  exports: [RequestSecurity],
})
export class SecurityModule {}
