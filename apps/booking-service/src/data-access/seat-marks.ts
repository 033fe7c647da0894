import type { Redis } from 'ioredis';
import { deleteKeys, type Logger } from '@concert/service-kit';

/**
 * "This seat is taken" marks in Redis, so the crowd that loses a seat is answered without a
 * database transaction. A mark may only ever say "taken" for a seat the database also holds or
 * held a moment ago: it is set after a hold commits (for the hold's life) or after the database
 * refused a hold (for a second), and deleted after every expiry or cancel commits. Correctness
 * never depends on it: a missing mark falls through to the database.
 *
 * A mark names the seat's holder and refuses everybody else: the holder's own request always goes
 * on to the database, which hands back the hold it already has. Why: a hold can commit after its
 * caller gave up waiting (deadline, 503); its retry must then find the hold, not a refusal.
 */
const key = (concertId: string, seatNumber: number) => `seat:taken:{${concertId}}:${seatNumber}`;
export const REFUSED_MARK_MS = 1000;

/** Holder recorded for a seat whose holder is unknown (sold, or an older mark): refuses everybody. */
const NOBODY = '-';

/** True when the seat is marked taken by someone other than `userId`. */
export async function isTakenByAnother(redis: Redis, concertId: string, seatNumber: number, userId: string): Promise<boolean> {
  const holder = await redis.get(key(concertId, seatNumber));
  return holder !== null && holder !== userId;
}

/** Marks the seat taken by `holder` (null: by nobody who may hold it again, e.g. sold). */
export async function markTaken(
  redis: Redis,
  m: { concertId: string; seatNumber: number; holder: string | null; ttlMs: number },
  logger: Logger,
) {
  await redis.set(key(m.concertId, m.seatNumber), m.holder ?? NOBODY, 'PX', m.ttlMs).catch((err: unknown) => {
    logger.warn({ err }, 'could not mark a seat taken');
  });
}

export async function clearTakenMarks(redis: Redis, seats: Array<{ concertId: string; seatNumber: number }>, logger: Logger) {
  if (seats.length === 0) return;
  await deleteKeys(redis, seats.map((s) => key(s.concertId, s.seatNumber))).catch((err: unknown) => {
    logger.warn({ err }, 'could not clear seat marks; they lapse within their TTL');
  });
}
