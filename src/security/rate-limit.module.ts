import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { Environment } from '../config/environment';
import { REDIS } from '../redis/redis.module';
import { RedisThrottlerStorage } from './redis-throttler-storage';

/** THROTTLE_LIMIT requests per THROTTLE_TTL_MS per client; counted in Redis when there is one. */
export const RateLimitModule = ThrottlerModule.forRootAsync({
  inject: [ConfigService, REDIS],
  useFactory: (config: ConfigService<Environment, true>, redis: Redis | null) => {
    const limit = config.get('THROTTLE_LIMIT', { infer: true });
    return {
      throttlers: [{ ttl: config.get('THROTTLE_TTL_MS', { infer: true }), limit: Math.max(limit, 1) }],
      skipIf: () => limit === 0,
      errorMessage: 'too many requests: slow down and retry after the number of seconds in Retry-After',
      storage: redis ? new RedisThrottlerStorage(redis, config.get('REDIS_KEY_PREFIX', { infer: true })) : undefined,
    };
  },
});
