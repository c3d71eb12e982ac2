import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { Environment } from '../config/environment';
import { REDIS } from '../redis/redis.module';
import { holdsSecrets } from '../security/redact-secrets';

/** Reads an entry's current version and the entry at that version in one round trip. */
const READ_VERSIONED = `
local version = redis.call('GET', KEYS[1]) or '0'
return { version, redis.call('GET', ARGV[1] .. version .. ARGV[2]) }`;

/**
 * How long a version key outlives the last write to what it counts. Once it expires, versions start
 * again from 0; that is safe because every entry of an older version expired long before (entries
 * live CACHE_TTL_MS, and a reader stores one at most a request's duration after reading its version).
 */
const VERSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Cache-aside for GET /jobs/:id and GET /jobs, in Redis when REDIS_URL is set, with short TTLs.
 *
 * Entries are keyed by a version that every write increments (a job's own version, and one
 * version for all lists). A reader that loaded a job just before a write stores it under the old
 * version, where no one looks any more: so once a write is acknowledged, no reader is served
 * anything older. Every key expires. Answers that hold secrets are not cached: Redis holds no
 * credential of any job. Redis trouble never fails a request: the cache is bypassed.
 */
@Injectable()
export class JobCache {
  private readonly logger = new Logger('JobCache');
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly versionTtlMs: number;

  constructor(@Inject(REDIS) private readonly redis: Redis | null, config: ConfigService<Environment, true>) {
    this.prefix = config.get('REDIS_KEY_PREFIX', { infer: true });
    this.ttlMs = config.get('CACHE_TTL_MS', { infer: true });
    this.versionTtlMs = Math.max(VERSION_TTL_MS, 10 * this.ttlMs);
  }

  job<T>(id: number, load: () => Promise<T>): Promise<T> {
    return this.cached(`${this.prefix}job:${id}:v`, `${this.prefix}job:${id}:`, '', load);
  }

  list<T>(query: string, load: () => Promise<T>): Promise<T> {
    return this.cached(`${this.prefix}jobs:v`, `${this.prefix}jobs:`, `:${query}`, load);
  }

  /** Called after every write to jobs, by the API and by the scheduler, before it is acknowledged. */
  async invalidate(jobIds: number[]): Promise<void> {
    if (!this.redis || this.redis.status !== 'ready') return;
    const pipeline = this.redis.pipeline();
    for (const key of [...new Set(jobIds)].map((id) => `${this.prefix}job:${id}:v`).concat(`${this.prefix}jobs:v`)) {
      pipeline.incr(key).pexpire(key, this.versionTtlMs);
    }
    await pipeline.exec().catch((error: Error) => this.logger.warn(`could not invalidate cached jobs: ${error.message}`));
  }

  private async cached<T>(versionKey: string, entryPrefix: string, entrySuffix: string, load: () => Promise<T>): Promise<T> {
    if (!this.redis || this.redis.status !== 'ready') return load();
    let version: string;
    try {
      const [current, hit] = (await this.redis.eval(READ_VERSIONED, 1, versionKey, entryPrefix, entrySuffix)) as [string, string | null];
      if (hit !== null) return JSON.parse(hit) as T;
      version = current;
    } catch {
      return load();
    }
    const value = await load();
    // An answer holding a secret (a header, an env value, a URL's password…) is not kept in Redis.
    if (holdsSecrets(value)) return value;
    await this.redis
      .set(`${entryPrefix}${version}${entrySuffix}`, JSON.stringify(value), 'PX', this.ttlMs)
      .catch(() => undefined);
    return value;
  }
}
