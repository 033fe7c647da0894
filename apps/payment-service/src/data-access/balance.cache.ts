import type { Redis } from 'ioredis';

export const balanceKey = (userId: string) => `cache:user:${userId}:balance`;

// Value "<version>:<balance>". A write lands only if it is newer than what is cached, so a reader
// that loaded the balance just before a payment committed cannot put the old value back after
// the payment refreshed it (the classic cache-aside race a plain DEL leaves open).
const SET_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local v = tonumber(string.match(cur, '^(%d+):'))
  if v and v >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
return 1`;

export interface BalanceCache {
  get(userId: string): Promise<string | undefined>;
  /** Stores the balance of `version` unless a newer one is cached. */
  put(userId: string, balance: string, version: number): Promise<void>;
  evict(userId: string): Promise<void>;
}

export function createBalanceCache(redis: Redis, ttlSeconds: number): BalanceCache {
  return {
    async get(userId) {
      const v = await redis.get(balanceKey(userId));
      const i = v?.indexOf(':') ?? -1;
      return v && i > 0 ? v.slice(i + 1) : undefined;
    },
    async put(userId, balance, version) {
      await redis.eval(SET_IF_NEWER, 1, balanceKey(userId), String(version), balance, String(ttlSeconds));
    },
    async evict(userId) {
      await redis.del(balanceKey(userId));
    },
  };
}
