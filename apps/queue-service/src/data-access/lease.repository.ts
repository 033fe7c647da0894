import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';

// Extend or release only while we still own it: a GET-then-PEXPIRE from the client could
// extend a lease another replica took after ours lapsed.
const EXTEND = new LuaScript(
  'leaseExtend',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
);
const RELEASE = new LuaScript(
  'leaseRelease',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);

/** A renewable lease: whoever holds it runs the admission ticker. */
export function createLease(redis: Redis, key: string, ttlMs: number) {
  const owner = randomUUID();
  let held = false;
  return {
    owner,
    get held() {
      return held;
    },
    /** Extends the lease if held, else tries to take it. Returns whether we hold it now. */
    async holdOrAcquire(): Promise<boolean> {
      if (held) {
        held = Number(await EXTEND.run(redis, [key], [owner, ttlMs])) === 1;
        if (held) return true;
      }
      held = (await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK';
      return held;
    },
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      await RELEASE.run(redis, [key], [owner]);
    },
  };
}
export type Lease = ReturnType<typeof createLease>;
