import type { Redis } from 'ioredis';

const key = (concertId: string, userId: string, seatNumber: number) => `gateway:hold-in-doubt:{${concertId}}:${userId}:${seatNumber}`;

/**
 * Hold requests the gateway answered 503 without knowing their outcome (booking did not answer in
 * time): the hold may have committed. The fan's next request for that seat says so to booking,
 * which then answers the hold the fan already has instead of SEAT_UNAVAILABLE.
 */
export function createHoldsInDoubtRepository(redis: Redis, ttlSeconds = 900) {
  return {
    /** Best effort: losing it only means the retry is answered as a fresh request. */
    async mark(h: { concertId: string; userId: string; seatNumber: number }): Promise<void> {
      await redis.set(key(h.concertId, h.userId, h.seatNumber), '1', 'EX', ttlSeconds).catch(() => undefined);
    },
    async has(h: { concertId: string; userId: string; seatNumber: number }): Promise<boolean> {
      return (await redis.exists(key(h.concertId, h.userId, h.seatNumber)).catch(() => 0)) === 1;
    },
    async clear(h: { concertId: string; userId: string; seatNumber: number }): Promise<void> {
      await redis.del(key(h.concertId, h.userId, h.seatNumber)).catch(() => undefined);
    },
  };
}
export type HoldsInDoubtRepository = ReturnType<typeof createHoldsInDoubtRepository>;
