import { randomUUID } from 'node:crypto';
import type { Reservation } from '@concert/contracts';
import { PG_UNIQUE_VIOLATION, pgErrorCode, withTransaction } from '@concert/db';
import { AppError, checkDeadline } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import { findConcert } from '../data-access/concerts.repository';
import { lockForHold, takeSeat } from '../data-access/hold.repository';
import { findActiveHold } from '../data-access/reservations.repository';
import type { ReservationRow } from '../data-access/schema';
import { seatHolder } from '../data-access/seats.repository';
import { enterSeat, leaveSeat, REFUSED_MARK_MS } from '../data-access/seat-marks';
import { assertHoldable, HoldRefused, type HoldRefusal } from '../domain/concert';
import { canHoldMore } from '../domain/reservation';
import type { BookingDeps } from './deps';
import { toReservation } from './views';

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
  // For a repeat too: the first attempt may have stopped between its commit and these. The seat
  // map is evicted before the answer (a fan sees their own hold at once); the expiry job is
  // batched with other holds' and not waited for: the sweeper expires a hold whose job was lost.
  d.expiry.schedule(held.row.id, held.row.reservedUntil);
  await d.cache.evict(cacheKeys.seatMap(req.concertId), cacheKeys.concertList);
  return toReservation(held.row);
}

/**
 * The fan's own live hold, else the hold limit, the seat and the reservation with its
 * seat-reserved event, in one transaction: the fan's hold lock, then one statement for the
 * count, the seat, the reservation and the outbox row (with its NOTIFY).
 */
async function holdInTransaction(d: BookingDeps, req: HoldRequest, price: string): Promise<Held> {
  const { RESERVATION_HOLD_SECONDS: holdSeconds, MAX_HOLDS_PER_USER: maxHolds } = d.config;
  try {
    return await withTransaction(d.db, async (tx) => {
      const { now, seatId } = await lockForHold(tx, req);
      // Under the fan's lock: a hold of theirs still committing is seen here once it has.
      const mine = req.inDoubt ? await findActiveHold(tx, req) : undefined;
      if (mine) return { row: mine, created: false };
      if (!seatId) throw new HoldRefused('SEAT_NOT_FOUND', req);
      // The event is built before the statement that writes it with the hold: every now() of the
      // transaction is `now`, so these are the row's reserved_at and reserved_until (ms precision).
      const id = randomUUID();
      const reservedAt = now.toISOString();
      const reservedUntil = new Date(now.getTime() + holdSeconds * 1000).toISOString();
      const event = d.events.seatReservedRow({ reservationId: id, concertId: req.concertId, seatId, seatNumber: req.seatNumber, userId: req.userId, price, reservedAt, reservedUntil });
      const { liveHolds, hold: r } = await takeSeat(tx, { ...req, id, holdSeconds, maxHolds, price, event });
      if (!r) {
        if (!canHoldMore(liveHolds, maxHolds)) {
          throw new HoldRefused('HOLD_LIMIT_REACHED', req, `at most ${maxHolds} seats may be held at once`);
        }
        // Taken, or the concert closed since the snapshot: the concert row as it is now says which.
        assertHoldable(await findConcert(tx, req.concertId), req, new Date());
        throw new SeatTaken(req, await seatHolder(tx, req.concertId, req.seatNumber));
      }
      if (r.reservedAt.toISOString() !== reservedAt || r.reservedUntil.toISOString() !== reservedUntil || r.price !== price) {
        throw new Error(`hold ${id}: the row and its seat-reserved event disagree`);
      }
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
 * is refused at once, and only the holder of the seat lock goes on to the database; both are one
 * script, so a refusal costs one Redis round trip. Redis being down only turns them off; the
 * database stays correct on its own.
 *
 * The fan's own earlier attempt may still hold the lock (answered 503, now committing or rolling
 * back): an in-doubt retry then goes on to the database, which orders the two (the fan's hold
 * lock) and hands back the hold if the first one committed.
 */
async function withSeatShortcuts(d: BookingDeps, req: HoldRequest, hold: () => Promise<Held>): Promise<Held> {
  if (d.config.SEAT_LOCK_TTL_MS <= 0) return hold();
  const entry = await enterSeat(d.redis, { ...req, lockTtlMs: d.config.SEAT_LOCK_TTL_MS }).catch((err: unknown) => {
    d.logger.warn({ err }, 'seat lock unavailable; relying on the database alone');
    return undefined;
  });
  if (entry?.state === 'taken') throw new ShortcutRefused('seat_marked_taken', req, `seat ${req.seatNumber} is not available`);
  if (entry?.state === 'busy' || (entry?.state === 'mine' && !req.inDoubt)) {
    throw new ShortcutRefused('lock_busy', req, `seat ${req.seatNumber} is being taken by someone else`);
  }
  if (entry?.state !== 'locked') return hold();
  const leave = (mark?: { holder: string | null; ttlMs: number }) =>
    leaveSeat(d.redis, { ...req, token: entry.token, ...(mark ? { mark } : {}) }, d.logger);
  let held: Held;
  try {
    held = await hold();
  } catch (err) {
    await leave(err instanceof SeatTaken ? { holder: err.holder, ttlMs: REFUSED_MARK_MS } : undefined);
    throw err;
  }
  const holdMs = held.row.reservedUntil.getTime() - Date.now();
  await leave(holdMs > 0 ? { holder: req.userId, ttlMs: holdMs } : undefined);
  return held;
}
