import type { Redis } from 'ioredis';

const key = (concertId: string, userId: string) => `gateway:paid:{${concertId}}:${userId}`;

/**
 * Remembers that a fan paid in a concert. Paying ends the fan's active queue slot, yet the fan may
 * still hold other seats (up to the hold limit) or retry the same payment with its Idempotency-Key:
 * those must stay payable rather than fail with QUEUE_TOKEN_NOT_ACTIVE.
 */
export function createPaidGraceRepository(redis: Redis, ttlSeconds = 3600) {
  return {
    /** Best effort: losing it only means a later payment needs an active slot again. */
    async mark(concertId: string, userId: string): Promise<void> {
      await redis.set(key(concertId, userId), '1', 'EX', ttlSeconds).catch(() => undefined);
    },
    async has(concertId: string, userId: string): Promise<boolean> {
      return (await redis.exists(key(concertId, userId)).catch(() => 0)) === 1;
    },
  };
}
export type PaidGraceRepository = ReturnType<typeof createPaidGraceRepository>;
