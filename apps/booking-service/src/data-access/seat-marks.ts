import type { Redis } from 'ioredis';
import { deleteKeys, type Logger } from '@concert/service-kit';

/**
 * "This seat is taken" marks in Redis, so the crowd that loses a seat is answered without a
 * database transaction. A mark may only ever say "taken" for a seat the database also holds or
 * held a moment ago: it is set after a hold commits (for the hold's life) or after the database
 * refused a hold (for a second), and deleted after every expiry or cancel commits. Correctness
 * never depends on it: a missing mark falls through to the database.
 */
const key = (concertId: string, seatNumber: number) => `seat:taken:{${concertId}}:${seatNumber}`;
export const REFUSED_MARK_MS = 1000;

export async function isMarkedTaken(redis: Redis, concertId: string, seatNumber: number): Promise<boolean> {
  return (await redis.exists(key(concertId, seatNumber))) === 1;
}

export async function markTaken(redis: Redis, concertId: string, seatNumber: number, ttlMs: number, logger: Logger) {
  await redis.set(key(concertId, seatNumber), '1', 'PX', ttlMs).catch((err: unknown) => {
    logger.warn({ err }, 'could not mark a seat taken');
  });
}

export async function clearTakenMarks(redis: Redis, seats: Array<{ concertId: string; seatNumber: number }>, logger: Logger) {
  if (seats.length === 0) return;
  await deleteKeys(redis, seats.map((s) => key(s.concertId, s.seatNumber))).catch((err: unknown) => {
    logger.warn({ err }, 'could not clear seat marks; they lapse within their TTL');
  });
}
