import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { OutboundHttp } from './outbound-http';
import { OutboundPolicy } from './outbound-policy';

/** The outbound policy of http jobs (HTTP_JOBS_ALLOW) and the HTTP client that enforces it. */
@Module({
  providers: [
    {
      provide: OutboundPolicy,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => OutboundPolicy.fromAllowList(config.get('HTTP_JOBS_ALLOW', { infer: true })),
    },
    {
      provide: OutboundHttp,
      inject: [OutboundPolicy, ConfigService],
      useFactory: (policy: OutboundPolicy, config: ConfigService<Environment, true>) =>
        new OutboundHttp(policy, { maxResponseBytes: config.get('HTTP_JOB_MAX_RESPONSE_BYTES', { infer: true }) }),
    },
  ],
  exports: [OutboundPolicy, OutboundHttp],
})
export class OutboundModule {}
