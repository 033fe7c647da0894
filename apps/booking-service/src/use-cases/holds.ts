import type { Reservation } from '@concert/contracts';
import { PG_UNIQUE_VIOLATION, pgErrorCode, withTransaction } from '@concert/db';
import { AppError, checkDeadline, tryLock } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import { findConcert } from '../data-access/concerts.repository';
import { countActiveHolds, insertHold, lockUserHolds } from '../data-access/reservations.repository';
import { takeSeat } from '../data-access/seats.repository';
import { isMarkedTaken, markTaken, REFUSED_MARK_MS } from '../data-access/seat-marks';
import { holdRejection } from '../domain/concert';
import { canHoldMore } from '../domain/reservation';
import type { BookingDeps } from './deps';
import { toReservation } from './views';

export const seatLockKey = (concertId: string, seatNumber: number) => `lock:seat:{${concertId}}:${seatNumber}`;

type HoldResult = 'ok' | 'seat_unavailable' | 'seat_marked_taken' | 'lock_busy' | 'hold_limit' | 'booking_not_open' | 'not_found';

/**
 * Holds one seat for one user. The Redis lock only sheds the crowd on a hot seat (losers answer
 * at once, without a database round trip); the conditional UPDATE and the partial unique index
 * are what make a double hold impossible, with or without Redis.
 */
export async function holdSeat(
  d: BookingDeps,
  req: { userId: string; concertId: string; seatNumber: number },
): Promise<Reservation> {
  const count = (r: HoldResult) => d.metrics.holds.inc({ result: r });

  const concert = await d.concerts.get(req.concertId);
  const rejection = holdRejection(concert, req.seatNumber, new Date());
  if (rejection || !concert) {
    count(rejection === 'BOOKING_NOT_OPEN' ? 'booking_not_open' : 'not_found');
    throw new AppError(rejection ?? 'CONCERT_NOT_FOUND', detailOf(rejection, req));
  }

  // The Redis shortcuts (taken mark, seat lock) are switched together by SEAT_LOCK_TTL_MS.
  const shortcuts = d.config.SEAT_LOCK_TTL_MS > 0;
  if (shortcuts && (await isMarkedTaken(d.redis, req.concertId, req.seatNumber).catch(() => false))) {
    count('seat_marked_taken');
    throw new AppError('SEAT_UNAVAILABLE', `seat ${req.seatNumber} is not available`);
  }

  let release: (() => Promise<void>) | null = null;
  if (shortcuts) {
    try {
      release = await tryLock(d.redis, seatLockKey(req.concertId, req.seatNumber), d.config.SEAT_LOCK_TTL_MS);
    } catch (err) {
      // Redis is only an optimisation here: go on to the database, which stays correct.
      d.logger.warn({ err }, 'seat lock unavailable; relying on the database alone');
      release = async () => undefined;
    }
    if (!release) {
      count('lock_busy');
      throw new AppError('SEAT_UNAVAILABLE', `seat ${req.seatNumber} is being taken by someone else`);
    }
  }

  let reservation;
  try {
    reservation = await withTransaction(d.db, async (tx) => {
      await lockUserHolds(tx, req.userId, req.concertId);
      const active = await countActiveHolds(tx, req.userId, req.concertId);
      if (!canHoldMore(active, d.config.MAX_HOLDS_PER_USER)) {
        throw new AppError('HOLD_LIMIT_REACHED', `at most ${d.config.MAX_HOLDS_PER_USER} seats may be held at once`);
      }
      const seat = await takeSeat(tx, { ...req, holdSeconds: d.config.RESERVATION_HOLD_SECONDS });
      if (!seat) {
        // Taken, or the concert closed since the pre-check: the database says which.
        const why = holdRejection(await findConcert(tx, req.concertId), req.seatNumber, new Date());
        if (why) throw new AppError(why, detailOf(why, req));
        throw new AppError('SEAT_UNAVAILABLE', `seat ${req.seatNumber} is not available`);
      }
      const r = await insertHold(tx, {
        ...req,
        seatId: seat.id,
        price: concert.price,
        holdSeconds: d.config.RESERVATION_HOLD_SECONDS,
      });
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
    const refused = (err instanceof AppError && err.code === 'SEAT_UNAVAILABLE') || pgErrorCode(err) === PG_UNIQUE_VIOLATION;
    if (refused && shortcuts) await markTaken(d.redis, req.concertId, req.seatNumber, REFUSED_MARK_MS, d.logger);
    if (err instanceof AppError) {
      count(err.code === 'HOLD_LIMIT_REACHED' ? 'hold_limit' : err.code === 'BOOKING_NOT_OPEN' ? 'booking_not_open' : 'seat_unavailable');
      throw err;
    }
    if (refused) {
      count('seat_unavailable');
      throw new AppError('SEAT_UNAVAILABLE', `seat ${req.seatNumber} is not available`);
    }
    throw err;
  } finally {
    await release?.().catch(() => undefined);
  }
  if (shortcuts) {
    const holdMs = reservation.reservedUntil.getTime() - Date.now();
    if (holdMs > 0) await markTaken(d.redis, req.concertId, req.seatNumber, holdMs, d.logger);
  }

  count('ok');
  await Promise.all([
    d.cache.evict(cacheKeys.seatMap(req.concertId), cacheKeys.concertList),
    d.expiry.schedule(reservation.id, reservation.reservedUntil),
  ]);
  return toReservation(reservation);
}

function detailOf(code: string | null, req: { concertId: string; seatNumber: number }): string {
  if (code === 'SEAT_NOT_FOUND') return `concert ${req.concertId} has no seat ${req.seatNumber}`;
  if (code === 'BOOKING_NOT_OPEN') return `booking for concert ${req.concertId} is not open`;
  return `concert ${req.concertId} not found`;
}
