import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Why a script: GET-then-DEL from the client could delete a lock another holder took after ours expired.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A short Redis lock that sheds load in front of the database; correctness never depends on it
 * (the database's conditional updates and unique indexes do). Returns a release function or null.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
  const owner = randomUUID();
  const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return async () => {
    await redis.eval(RELEASE, 1, key, owner);
  };
}
