import type { Payment, QueueEntry } from '@concert/contracts';
import type { Logger } from '@concert/service-kit';
import type { QueuePass } from '../domain/principal';
import { assertPassAdmits } from '../domain/queue-access';
import type { GatewayDeps } from './deps';
import { assertAdmitted } from './queue-access';

/**
 * A fan pays one of their reservations. Admission matters for an open hold. A fan who already
 * paid in this concert keeps paying for holds they have (the paid grace; replays keep their
 * first answer); settled reservations get their own precise error (ALREADY_PAID,
 * RESERVATION_EXPIRED) from payment-service. A completed payment ends the fan's queue slot.
 */
export async function payReservation(
  d: GatewayDeps,
  logger: Logger,
  req: { userId: string; reservationId: string; pass: () => QueuePass; look?: () => Promise<QueueEntry>; idempotencyKey: string },
): Promise<Payment> {
  // The reservation names the concert; another user's reservation is simply not found.
  const reservation = await d.services.booking.getReservation(req.reservationId, req.userId);
  const pass = req.pass();
  const open = reservation.status === 'TEMPORARILY_RESERVED';
  if (open && !(await d.paidGrace.has(reservation.concertId, req.userId))) await assertAdmitted(d, pass, reservation.concertId, req.look);
  else assertPassAdmits(pass, reservation.concertId, 'ACTIVE');

  const payment = await d.services.payment.pay({ userId: req.userId, reservationId: reservation.id }, req.idempotencyKey);
  if (payment.status === 'COMPLETED') {
    await d.paidGrace.mark(reservation.concertId, req.userId);
    // The payment-completed event frees the slot too; doing it now gives the next fan the seat sooner.
    await d.services.queue.complete(reservation.concertId, req.userId).catch((err: unknown) => logger.warn({ err }, 'could not end queue slot'));
  }
  return payment;
}
