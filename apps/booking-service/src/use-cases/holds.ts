import type { Reservation } from '@concert/contracts';
import { PG_UNIQUE_VIOLATION, pgErrorCode, withTransaction } from '@concert/db';
import { checkDeadline, tryLock } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import { findConcert } from '../data-access/concerts.repository';
import { countActiveHolds, insertHold, lockUserHolds } from '../data-access/reservations.repository';
import type { ReservationRow } from '../data-access/schema';
import { takeSeat } from '../data-access/seats.repository';
import { isMarkedTaken, markTaken, REFUSED_MARK_MS } from '../data-access/seat-marks';
import { assertHoldable, HoldRefused, type HoldRefusal } from '../domain/concert';
import { canHoldMore } from '../domain/reservation';
import type { BookingDeps } from './deps';
import { toReservation } from './views';

export const seatLockKey = (concertId: string, seatNumber: number) => `lock:seat:{${concertId}}:${seatNumber}`;

type HoldRequest = { userId: string; concertId: string; seatNumber: number };
type HoldResult = 'ok' | 'seat_unavailable' | 'seat_marked_taken' | 'lock_busy' | 'hold_limit' | 'booking_not_open' | 'not_found';
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

/**
 * Holds one seat for one user. The rule (domain/concert.ts) is checked on the concert snapshot
 * before anything is locked; the Redis shortcuts shed the crowd on a hot seat; the conditional
 * UPDATE and the partial unique index are what make a double hold impossible, with or without Redis.
 */
export async function holdSeat(d: BookingDeps, req: HoldRequest): Promise<Reservation> {
  const count = (result: HoldResult) => d.metrics.holds.inc({ result });
  let held: ReservationRow;
  try {
    const concert = await d.concerts.get(req.concertId);
    assertHoldable(concert, req, new Date());
    held = await withSeatShortcuts(d, req, () => holdInTransaction(d, req, concert.price));
  } catch (err) {
    if (err instanceof HoldRefused) count(err instanceof ShortcutRefused ? err.result : RESULT_OF[err.code]);
    throw err;
  }
  count('ok');
  await Promise.all([
    d.cache.evict(cacheKeys.seatMap(req.concertId), cacheKeys.concertList),
    d.expiry.schedule(held.id, held.reservedUntil),
  ]);
  return toReservation(held);
}

/** The hold limit, the seat and the reservation with its seat-reserved event, in one transaction. */
async function holdInTransaction(d: BookingDeps, req: HoldRequest, price: string): Promise<ReservationRow> {
  const holdSeconds = d.config.RESERVATION_HOLD_SECONDS;
  try {
    return await withTransaction(d.db, async (tx) => {
      await lockUserHolds(tx, req.userId, req.concertId);
      if (!canHoldMore(await countActiveHolds(tx, req.userId, req.concertId), d.config.MAX_HOLDS_PER_USER)) {
        throw new HoldRefused('HOLD_LIMIT_REACHED', req, `at most ${d.config.MAX_HOLDS_PER_USER} seats may be held at once`);
      }
      const seat = await takeSeat(tx, { ...req, holdSeconds });
      if (!seat) {
        // Taken, or the concert closed since the snapshot: the concert row as it is now says which.
        assertHoldable(await findConcert(tx, req.concertId), req, new Date());
        throw new HoldRefused('SEAT_UNAVAILABLE', req);
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
      // 503, and a hold written anyway would refuse the fan's own retry (rolled back here).
      checkDeadline('hold', 50);
      return r;
    });
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw new HoldRefused('SEAT_UNAVAILABLE', req);
    throw err;
  }
}

/**
 * The Redis shortcuts, switched together by SEAT_LOCK_TTL_MS: a seat marked taken is refused at
 * once, and only the holder of the seat lock goes on to the database. Redis being down only
 * turns them off; the database stays correct on its own.
 */
async function withSeatShortcuts(d: BookingDeps, req: HoldRequest, hold: () => Promise<ReservationRow>): Promise<ReservationRow> {
  if (d.config.SEAT_LOCK_TTL_MS <= 0) return hold();
  if (await isMarkedTaken(d.redis, req.concertId, req.seatNumber).catch(() => false)) {
    throw new ShortcutRefused('seat_marked_taken', req, `seat ${req.seatNumber} is not available`);
  }
  const release = await tryLock(d.redis, seatLockKey(req.concertId, req.seatNumber), d.config.SEAT_LOCK_TTL_MS).catch(
    (err: unknown) => {
      d.logger.warn({ err }, 'seat lock unavailable; relying on the database alone');
      return async () => undefined;
    },
  );
  if (!release) throw new ShortcutRefused('lock_busy', req, `seat ${req.seatNumber} is being taken by someone else`);
  let held: ReservationRow;
  try {
    held = await hold();
  } catch (err) {
    if (err instanceof HoldRefused && err.code === 'SEAT_UNAVAILABLE') {
      await markTaken(d.redis, req.concertId, req.seatNumber, REFUSED_MARK_MS, d.logger);
    }
    throw err;
  } finally {
    await release().catch(() => undefined);
  }
  const holdMs = held.reservedUntil.getTime() - Date.now();
  if (holdMs > 0) await markTaken(d.redis, req.concertId, req.seatNumber, holdMs, d.logger);
  return held;
}
