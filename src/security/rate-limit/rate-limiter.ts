import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { Environment } from '../../config/environment';
import { REDIS } from '../../redis/redis.module';
import type { CounterStore } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';
import { RedisCounterStore } from './redis-counter-store';

/**
 * THROTTLE_LIMIT requests per THROTTLE_TTL_MS per client address, over every route together, the
 * refused ones (401, 404) included: a client that guesses tokens is throttled like any other.
 * Counted in Redis when there is one, in this instance while Redis is unreachable.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly local = new MemoryCounterStore();
  private readonly shared?: CounterStore;
  private sharedFailing = false;

  constructor(config: ConfigService<Environment, true>, @Inject(REDIS) private readonly redis: Redis | null) {
    this.limit = config.get('THROTTLE_LIMIT', { infer: true });
    this.windowMs = config.get('THROTTLE_TTL_MS', { infer: true });
    if (redis) this.shared = new RedisCounterStore(redis, config.get('REDIS_KEY_PREFIX', { infer: true }));
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Counts a request of `client`; when it is over the limit, the seconds until its window ends. */
  async hit(client: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    const { hits, resetInMs } = await this.count(client);
    return hits <= this.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)) };
  }

  private async count(client: string) {
    if (this.shared && this.redis?.status === 'ready') {
      try {
        const count = await this.shared.hit(client, this.windowMs);
        this.sharedFailing = false;
        return count;
      } catch (error) {
        if (!this.sharedFailing) this.logger.warn(`could not count in Redis (${(error as Error).message}); counting in this instance meanwhile`);
        this.sharedFailing = true;
      }
    }
    return this.local.hit(client, this.windowMs);
  }
}
