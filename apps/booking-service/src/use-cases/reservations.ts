import type { PayableReservation, Reservation } from '@concert/contracts';
import { withTransaction } from '@concert/db';
import { AppError } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import {
  cancelReservation as cancelRow,
  findReservation,
  listUserReservations,
  lockReservation,
} from '../data-access/reservations.repository';
import { releaseSeat } from '../data-access/seats.repository';
import { clearTakenMarks } from '../data-access/seat-marks';
import { isCancellable } from '../domain/reservation';
import type { BookingDeps } from './deps';
import { toPayable, toReservation } from './views';

const notFound = (id: string) => new AppError('RESERVATION_NOT_FOUND', `reservation ${id} not found`);

/** Another user's reservation is reported as missing, so ids cannot be probed. */
export async function getReservation(d: BookingDeps, id: string, userId: string): Promise<Reservation> {
  const r = await findReservation(d.db, id);
  if (!r || r.userId !== userId) throw notFound(id);
  return toReservation(r);
}

export async function listReservations(d: BookingDeps, userId: string): Promise<Reservation[]> {
  return (await listUserReservations(d.db, userId)).map(toReservation);
}

/** For payment-service: owner, price, status and deadline of any reservation. */
export async function getPayable(d: BookingDeps, id: string): Promise<PayableReservation> {
  const r = await findReservation(d.db, id);
  if (!r) throw notFound(id);
  return toPayable(r);
}

export async function cancelReservation(d: BookingDeps, id: string, userId: string): Promise<Reservation> {
  const cancelled = await withTransaction(d.db, async (tx) => {
    const r = await lockReservation(tx, id);
    if (!r || r.userId !== userId) throw notFound(id);
    if (!isCancellable(r)) {
      throw new AppError('RESERVATION_NOT_CANCELLABLE', `a ${r.status} reservation cannot be cancelled`);
    }
    const row = await cancelRow(tx, id);
    if (!row) throw new Error(`reservation ${id} changed under its row lock`);
    await releaseSeat(tx, row.seatId);
    await d.events.reservationCancelled(tx, {
      reservationId: row.id,
      concertId: row.concertId,
      seatNumber: row.seatNumber,
      userId: row.userId,
      cancelledAt: (row.endedAt ?? new Date()).toISOString(),
    });
    return row;
  });
  d.metrics.cancellations.inc();
  await Promise.all([
    d.cache.evict(cacheKeys.seatMap(cancelled.concertId), cacheKeys.concertList),
    d.expiry.unschedule(cancelled.id),
    clearTakenMarks(d.redis, [cancelled], d.logger),
  ]);
  return toReservation(cancelled);
}
