import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteKeys, type Logger } from '@concert/service-kit';

/**
 * The seat's two Redis keys in front of a hold: the "taken" mark and the seat lock.
 *
 * The mark (`seat:taken:{concertId}:n`) lets the crowd that lost a seat be answered without a
 * database transaction. It may only ever say "taken" for a seat the database also holds or held a
 * moment ago: it is set after a hold commits (for the hold's life) or after the database refused a
 * hold (for a second), and deleted after every expiry or cancel commits. Correctness never depends
 * on it: a missing mark falls through to the database.
 *
 * A mark names the seat's holder and refuses everybody else: the holder's own request always goes
 * on to the database, which hands back the hold it already has. Why: a hold can commit after its
 * caller gave up waiting (deadline, 503); its retry must then find the hold, not a refusal.
 *
 * The lock (`lock:seat:{concertId}:n`, owner token `<userId>:<uuid>`) lets one attempt at a time go
 * on to the database; the others are refused at once. Both keys carry the concert's hash tag, so
 * one script may touch both on Redis Cluster too.
 */
const markKey = (concertId: string, seatNumber: number) => `seat:taken:{${concertId}}:${seatNumber}`;
const lockKey = (concertId: string, seatNumber: number) => `lock:seat:{${concertId}}:${seatNumber}`;
export const REFUSED_MARK_MS = 1000;

/** Holder recorded for a seat whose holder is unknown (sold, or an older mark): refuses everybody. */
const NOBODY = '-';

// One round trip for every refusal: the mark, else the lock, else who holds the lock.
const ENTER = `
local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[1] then return 'taken' end
if redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') then return 'locked' end
local owner = redis.call('get', KEYS[2])
if owner and string.sub(owner, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then return 'mine' end
return 'busy'`;

// The mark goes up before the lock comes down, so no later attempt finds neither.
const LEAVE = `
if ARGV[2] ~= '0' then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if redis.call('get', KEYS[2]) == ARGV[3] then redis.call('del', KEYS[2]) end
return 1`;

type SeatScripts = {
  seatEnter(mark: string, lock: string, userId: string, token: string, ttlMs: number): Promise<string>;
  seatLeave(mark: string, lock: string, holder: string, markMs: number, token: string): Promise<number>;
};

/** EVALSHA with the script text as fallback, defined once per client. */
function scripts(redis: Redis): SeatScripts {
  const r = redis as Redis & Partial<SeatScripts>;
  if (!r.seatEnter) {
    r.defineCommand('seatEnter', { numberOfKeys: 2, lua: ENTER });
    r.defineCommand('seatLeave', { numberOfKeys: 2, lua: LEAVE });
  }
  return r as unknown as SeatScripts;
}

/**
 * Loads both scripts into Redis at start-up: otherwise the first burst of holds (all at once, on
 * a cold service) finds them missing, and every hold of it pays a NOSCRIPT answer and a second
 * round trip with the script's text.
 */
export async function loadSeatScripts(redis: Redis): Promise<void> {
  await Promise.all([redis.script('LOAD', ENTER), redis.script('LOAD', LEAVE)]);
}

export type SeatEntry =
  /** Marked taken by another fan. */
  | { state: 'taken' }
  /** Another fan's attempt holds the lock. */
  | { state: 'busy' }
  /** This fan's own earlier attempt holds the lock. */
  | { state: 'mine' }
  /** This attempt holds the lock: `leave` marks the seat (or not) and releases it. */
  | { state: 'locked'; token: string };

/** The mark and the lock, in one round trip. */
export async function enterSeat(
  redis: Redis,
  s: { concertId: string; seatNumber: number; userId: string; lockTtlMs: number },
): Promise<SeatEntry> {
  const token = `${s.userId}:${randomUUID()}`;
  const state = await scripts(redis).seatEnter(markKey(s.concertId, s.seatNumber), lockKey(s.concertId, s.seatNumber), s.userId, token, s.lockTtlMs);
  if (state === 'locked') return { state, token };
  if (state === 'taken' || state === 'busy' || state === 'mine') return { state };
  throw new Error(`unexpected seat lock answer ${state}`);
}

/**
 * Releases the lock taken by enterSeat, first marking the seat taken by `mark.holder` (null: by
 * nobody who may hold it again, e.g. sold) for `mark.ttlMs` when a mark is given.
 */
export async function leaveSeat(
  redis: Redis,
  s: { concertId: string; seatNumber: number; token: string; mark?: { holder: string | null; ttlMs: number } },
  logger: Logger,
): Promise<void> {
  const ttl = s.mark ? Math.max(1, Math.ceil(s.mark.ttlMs)) : 0;
  await scripts(redis)
    .seatLeave(markKey(s.concertId, s.seatNumber), lockKey(s.concertId, s.seatNumber), s.mark?.holder ?? NOBODY, ttl, s.token)
    .catch((err: unknown) => {
      logger.warn({ err }, 'could not mark the seat or release its lock; both lapse within their TTL');
    });
}

export async function clearTakenMarks(redis: Redis, seats: Array<{ concertId: string; seatNumber: number }>, logger: Logger) {
  if (seats.length === 0) return;
  await deleteKeys(redis, seats.map((s) => markKey(s.concertId, s.seatNumber))).catch((err: unknown) => {
    logger.warn({ err }, 'could not clear seat marks; they lapse within their TTL');
  });
}
