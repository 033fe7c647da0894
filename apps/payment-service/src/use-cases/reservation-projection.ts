import type { ReservationCancelledV1, ReservationExpiredV1, SeatReservedV1 } from '@concert/contracts';
import type { PaymentTx } from '../data-access/db';
import { recordReservationEnded, recordSeatReserved } from '../data-access/reservations.repository';

/**
 * payment-service's copy of booking's holds, fed by booking's events: a hold exists (payment may
 * take money for it until its deadline), or it ended (no payment any more). An ended hold always
 * wins over a later seat-reserved or a /payable answer.
 */
export async function projectSeatReserved(tx: PaymentTx, p: SeatReservedV1['payload']): Promise<void> {
  await recordSeatReserved(tx, {
    reservationId: p.reservationId,
    userId: p.userId,
    concertId: p.concertId,
    seatNumber: p.seatNumber,
    price: p.price,
    reservedUntil: new Date(p.reservedUntil),
  });
}

export async function projectReservationEnded(
  tx: PaymentTx,
  p: ReservationExpiredV1['payload'] | ReservationCancelledV1['payload'],
  status: 'EXPIRED' | 'CANCELLED',
): Promise<void> {
  await recordReservationEnded(tx, {
    reservationId: p.reservationId,
    userId: p.userId,
    concertId: p.concertId,
    seatNumber: p.seatNumber,
    status,
  });
}
