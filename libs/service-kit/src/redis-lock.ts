import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Why a script: GET-then-DEL from the client could delete a lock another holder took after ours expired.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A short Redis lock that sheds load in front of the database; correctness never depends on it
 * (the database's conditional updates and unique indexes do). Returns a release function or null.
 * `owner` names who holds it (see lockedBy): a caller may treat its own earlier attempt, still
 * holding the lock, differently from a stranger.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number, owner?: string): Promise<(() => Promise<void>) | null> {
  const token = owner === undefined ? randomUUID() : `${owner}:${randomUUID()}`;
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return async () => {
    await redis.eval(RELEASE, 1, key, token);
  };
}

/** True while the lock at `key` is held by a tryLock call that named `owner`. */
export async function lockedBy(redis: Redis, key: string, owner: string): Promise<boolean> {
  const token = await redis.get(key);
  return token !== null && token.startsWith(`${owner}:`);
}
