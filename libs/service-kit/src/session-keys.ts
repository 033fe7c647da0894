import type { Redis } from 'ioredis';

/**
 * The gateway's session store in Redis (keys from DESIGN.md): one live token per user, the
 * blacklist of logged-out tokens, and the live role. Here, not in the gateway, because the
 * operator CLI of payment-service changes a live role when it demotes an admin.
 * A user's live token and live role share a hash tag ({userId}, the DESIGN.md placeholder made
 * literal) because a login writes both in one MULTI, which a Redis Cluster allows in one slot only.
 */
export const sessionKeys = {
  activeKey: (userId: string) => `token:active:{${userId}}`,
  blacklistKey: (jti: string) => `token:blacklist:${jti}`,
  roleKey: (userId: string) => `token:role:{${userId}}`,
};

/** Demotes a logged-in user at once: admin routes read this key on every request. */
export async function demoteLiveSession(redis: Redis, userId: string): Promise<void> {
  await redis.set(sessionKeys.roleKey(userId), 'user', 'KEEPTTL', 'XX');
}
