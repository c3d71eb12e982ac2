import type Redis from 'ioredis';
import type { CounterStore, HitCount } from './counter-store';

/** One round trip: count the hit and start the window (the key's expiry) on the first one. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

/** Counters in Redis, so that a limit holds across every instance behind the load balancer. */
export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number): Promise<HitCount> {
    const [hits, resetInMs] = (await this.redis.eval(INCREMENT, 1, `${this.prefix}ratelimit:${key}`, windowMs)) as [number, number];
    return { hits, resetInMs };
  }
}
