import type { Reservation } from '@concert/contracts';
import { PG_UNIQUE_VIOLATION, pgErrorCode, withTransaction } from '@concert/db';
import { AppError, checkDeadline, lockedBy, tryLock } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import { findConcert } from '../data-access/concerts.repository';
import { countActiveHolds, findActiveHold, insertHold, lockUserHolds } from '../data-access/reservations.repository';
import type { ReservationRow } from '../data-access/schema';
import { seatHolder, takeSeat } from '../data-access/seats.repository';
import { isTakenByAnother, markTaken, REFUSED_MARK_MS } from '../data-access/seat-marks';
import { assertHoldable, HoldRefused, type HoldRefusal } from '../domain/concert';
import { canHoldMore } from '../domain/reservation';
import type { BookingDeps } from './deps';
import { toReservation } from './views';

export const seatLockKey = (concertId: string, seatNumber: number) => `lock:seat:{${concertId}}:${seatNumber}`;

/** `inDoubt`: the fan's earlier request for this seat got no answer (see the contract). */
type HoldRequest = { userId: string; concertId: string; seatNumber: number; inDoubt?: boolean };
type HoldResult =
  | 'ok'
  | 'repeated'
  | 'seat_unavailable'
  | 'seat_marked_taken'
  | 'lock_busy'
  | 'hold_limit'
  | 'booking_not_open'
  | 'not_found'
  | 'deadline';
const RESULT_OF: Record<HoldRefusal, HoldResult> = {
  CONCERT_NOT_FOUND: 'not_found',
  SEAT_NOT_FOUND: 'not_found',
  BOOKING_NOT_OPEN: 'booking_not_open',
  HOLD_LIMIT_REACHED: 'hold_limit',
  SEAT_UNAVAILABLE: 'seat_unavailable',
};

/** Refused by a Redis shortcut rather than by the database: counted under its own result. */
class ShortcutRefused extends HoldRefused {
  constructor(
    readonly result: 'seat_marked_taken' | 'lock_busy',
    req: HoldRequest,
    detail: string,
  ) {
    super('SEAT_UNAVAILABLE', req, detail);
  }
}

/** The database refused the seat: it is `holder`'s (null: nobody may hold it again, e.g. sold). */
class SeatTaken extends HoldRefused {
  constructor(
    req: HoldRequest,
    readonly holder: string | null,
  ) {
    super('SEAT_UNAVAILABLE', req);
  }
}

/** The fan's hold on the seat, and whether this call made it (false: it was theirs already). */
interface Held {
  row: ReservationRow;
  created: boolean;
}

/**
 * Holds one seat for one user. The rule (domain/concert.ts) is checked on the concert snapshot
 * before anything is locked; the Redis shortcuts shed the crowd on a hot seat; the conditional
 * UPDATE and the partial unique index are what make a double hold impossible, with or without Redis.
 *
 * A hold can commit just as its caller stops waiting (deadline, 503). The gateway then sends the
 * fan's retry `inDoubt`, and it is answered with the hold the fan already has (201, the same
 * reservation), not SEAT_UNAVAILABLE for a seat nobody else can win; a fan asking again for a
 * seat they hold without that is refused as before. So no Redis shortcut refuses the seat's own
 * holder: the taken mark names the holder, and the seat lock the fan whose attempt holds it.
 */
export async function holdSeat(d: BookingDeps, req: HoldRequest): Promise<Reservation> {
  const count = (result: HoldResult) => d.metrics.holds.inc({ result });
  let held: Held;
  try {
    const concert = await d.concerts.get(req.concertId);
    assertHoldable(concert, req, new Date());
    held = await withSeatShortcuts(d, req, () => holdInTransaction(d, req, concert.price));
  } catch (err) {
    if (err instanceof HoldRefused) count(err instanceof ShortcutRefused ? err.result : RESULT_OF[err.code]);
    else if (err instanceof AppError && err.code === 'DEADLINE_EXCEEDED') count('deadline');
    throw err;
  }
  count(held.created ? 'ok' : 'repeated');
  // For a repeat too: the first attempt may have stopped between its commit and these.
  await Promise.all([
    d.cache.evict(cacheKeys.seatMap(req.concertId), cacheKeys.concertList),
    d.expiry.schedule(held.row.id, held.row.reservedUntil),
  ]);
  return toReservation(held.row);
}

/** The fan's own live hold, else the hold limit, the seat and the reservation with its seat-reserved event, in one transaction. */
async function holdInTransaction(d: BookingDeps, req: HoldRequest, price: string): Promise<Held> {
  const holdSeconds = d.config.RESERVATION_HOLD_SECONDS;
  try {
    return await withTransaction(d.db, async (tx) => {
      await lockUserHolds(tx, req.userId, req.concertId);
      // Under the fan's lock: a hold of theirs still committing is seen here once it has.
      const mine = req.inDoubt ? await findActiveHold(tx, req) : undefined;
      if (mine) return { row: mine, created: false };
      if (!canHoldMore(await countActiveHolds(tx, req.userId, req.concertId), d.config.MAX_HOLDS_PER_USER)) {
        throw new HoldRefused('HOLD_LIMIT_REACHED', req, `at most ${d.config.MAX_HOLDS_PER_USER} seats may be held at once`);
      }
      const seat = await takeSeat(tx, { ...req, holdSeconds });
      if (!seat) {
        // Taken, or the concert closed since the snapshot: the concert row as it is now says which.
        assertHoldable(await findConcert(tx, req.concertId), req, new Date());
        throw new SeatTaken(req, await seatHolder(tx, req.concertId, req.seatNumber));
      }
      const r = await insertHold(tx, { ...req, seatId: seat.id, price, holdSeconds });
      await d.events.seatReserved(tx, {
        reservationId: r.id,
        concertId: r.concertId,
        seatId: seat.id,
        seatNumber: r.seatNumber,
        userId: r.userId,
        price: r.price,
        reservedAt: r.reservedAt.toISOString(),
        reservedUntil: r.reservedUntil.toISOString(),
      });
      // Commit only while the caller still waits: past its deadline the gateway has answered
      // 503, so roll back and leave the seat to the retry. A commit that still lands after the
      // answer is what the in-doubt retry above finds.
      checkDeadline('hold', 50);
      return { row: r, created: true };
    });
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw new HoldRefused('SEAT_UNAVAILABLE', req);
    throw err;
  }
}

/**
 * The Redis shortcuts, switched together by SEAT_LOCK_TTL_MS: a seat marked taken by another fan
 * is refused at once, and only the holder of the seat lock goes on to the database. Redis being
 * down only turns them off; the database stays correct on its own.
 */
async function withSeatShortcuts(d: BookingDeps, req: HoldRequest, hold: () => Promise<Held>): Promise<Held> {
  if (d.config.SEAT_LOCK_TTL_MS <= 0) return hold();
  if (await isTakenByAnother(d.redis, req.concertId, req.seatNumber, req.userId).catch(() => false)) {
    throw new ShortcutRefused('seat_marked_taken', req, `seat ${req.seatNumber} is not available`);
  }
  const release = await seatLock(d, req);
  let held: Held;
  try {
    held = await hold();
  } catch (err) {
    if (err instanceof SeatTaken) {
      await markTaken(d.redis, { ...req, holder: err.holder, ttlMs: REFUSED_MARK_MS }, d.logger);
    }
    throw err;
  } finally {
    await release().catch(() => undefined);
  }
  const holdMs = held.row.reservedUntil.getTime() - Date.now();
  if (holdMs > 0) await markTaken(d.redis, { ...req, holder: req.userId, ttlMs: holdMs }, d.logger);
  return held;
}

/**
 * The hot seat's lock, or lock_busy when another fan holds it. The fan's own earlier attempt may
 * still hold it (answered 503, now committing or rolling back): then go on to the database, which
 * orders the two (the fan's hold lock) and hands back the hold if the first one committed.
 */
async function seatLock(d: BookingDeps, req: HoldRequest): Promise<() => Promise<void>> {
  const key = seatLockKey(req.concertId, req.seatNumber);
  const none = async () => undefined;
  try {
    const release = await tryLock(d.redis, key, d.config.SEAT_LOCK_TTL_MS, req.userId);
    if (release) return release;
    if (req.inDoubt && (await lockedBy(d.redis, key, req.userId))) return none;
  } catch (err) {
    d.logger.warn({ err }, 'seat lock unavailable; relying on the database alone');
    return none;
  }
  throw new ShortcutRefused('lock_busy', req, `seat ${req.seatNumber} is being taken by someone else`);
}
