import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import type { Environment } from '../config/environment';
import { redactUrl } from '../database/redact-url';

/** The Redis connection when REDIS_URL is set, null otherwise. */
export const REDIS = Symbol('REDIS');

function connectRedis(config: ConfigService<Environment, true>): Redis | null {
  const url = config.get('REDIS_URL', { infer: true });
  if (!url) return null;
  const logger = new Logger('Redis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger.warn(`Redis unreachable (${error.message}); the cache is bypassed until it is back`);
    reported = true;
  });
  redis.on('ready', () => {
    logger.log(`connected to ${redactUrl(url)}`);
    reported = false;
  });
  return redis;
}

@Global()
@Module({
  providers: [{ provide: REDIS, useFactory: connectRedis, inject: [ConfigService] }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
