import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteKeys, type Logger } from '@concert/service-kit';

export const cacheKeys = {
  concertList: 'cache:concerts:list',
  // The hash tag keeps all keys of one concert in one Redis Cluster slot.
  seatMap: (concertId: string) => `cache:concert:{${concertId}}:seats`,
};

// A rebuild marker sits in the key while one caller loads from the database. It is the stampede
// lock (SET NX) and the guard against stale writes: an eviction deletes it, and the loader then
// may not store what it read before the change.
const MARK = '\u0000rebuilding:';
const STORE_IF_MARKED = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;

export interface CacheOptions {
  redis: Redis;
  logger: Logger;
  onLookup?: (cache: string, result: 'hit' | 'miss') => void;
  /** How long a rebuild may take before another caller may try (ms). */
  rebuildLockMs?: number;
  /** How long a caller waits for someone else's rebuild before reading the database itself (ms). */
  waitForRebuildMs?: number;
}

/**
 * Cache-aside over Redis, safe against a stampede when a hot key expires: in one process the
 * callers share one load (single flight), across processes one caller rebuilds and the others
 * wait briefly for its value. Redis being down degrades to reading the database.
 */
export class ReadThroughCache {
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly rebuildLockMs: number;
  private readonly waitMs: number;

  constructor(private readonly o: CacheOptions) {
    this.rebuildLockMs = o.rebuildLockMs ?? 3000;
    this.waitMs = o.waitForRebuildMs ?? 300;
  }

  get<T>(name: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const shared = this.inflight.get(key) as Promise<T> | undefined;
    if (shared) return shared;
    const p = this.lookup(name, key, ttlSeconds, load).finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    });
    this.inflight.set(key, p);
    return p;
  }

  /** Call after the change committed. Loads already running may not store their (older) result. */
  async evict(...keys: string[]): Promise<void> {
    for (const k of keys) this.inflight.delete(k);
    try {
      await deleteKeys(this.o.redis, keys);
    } catch (err) {
      this.o.logger.warn({ err, keys }, 'cache eviction failed; entries live until their TTL');
    }
  }

  private async lookup<T>(name: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const { redis } = this.o;
    let cached: string | null;
    try {
      cached = await redis.get(key);
    } catch (err) {
      this.o.logger.warn({ err, key }, 'cache read failed; reading the database');
      return load();
    }
    if (cached !== null && !cached.startsWith(MARK)) {
      this.o.onLookup?.(name, 'hit');
      return JSON.parse(cached) as T;
    }
    this.o.onLookup?.(name, 'miss');

    if (cached === null) {
      const marker = MARK + randomUUID();
      const won = await redis.set(key, marker, 'PX', this.rebuildLockMs, 'NX').catch(() => null);
      if (won === 'OK') {
        const value = await load();
        await redis.eval(STORE_IF_MARKED, 1, key, marker, JSON.stringify(value), ttlSeconds).catch((err: unknown) => {
          this.o.logger.warn({ err, key }, 'cache write failed');
        });
        return value;
      }
    }

    const deadline = Date.now() + this.waitMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      const v = await redis.get(key).catch(() => null);
      if (v === null) break;
      if (!v.startsWith(MARK)) return JSON.parse(v) as T;
    }
    return load();
  }
}
