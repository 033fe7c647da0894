import { Router } from 'express';
import { CreatePaymentRequest } from '@concert/contracts';
import { parseBody, type Logger } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import { assertPassAdmits } from '../../domain/queue-access';
import type { RouteDeps } from './deps';
import { assertAdmitted, ownQueuePass } from './queue-pass';
import { idempotencyKey, pathId } from './request-parts';

export function paymentRoutes(d: RouteDeps, logger: Logger): Router {
  const r = Router();
  r.use('/payments', d.authenticate);

  r.post('/payments', async (req, res) => {
    const body = parseBody(CreatePaymentRequest, req);
    const key = idempotencyKey(req);
    const { userId } = principalOf(res);
    // The reservation names the concert; another user's reservation is simply not found.
    const reservation = await d.services.booking.getReservation(body.reservationId, userId);
    const pass = await ownQueuePass(d, req, userId);
    // Admission matters for an open hold. A fan who already paid in this concert keeps paying for
    // holds they have (and replays keep their first answer); settled reservations get their own
    // precise error (ALREADY_PAID, RESERVATION_EXPIRED) from payment-service.
    const open = reservation.status === 'TEMPORARILY_RESERVED';
    if (open && !(await d.paidGrace.has(reservation.concertId, userId))) await assertAdmitted(d, pass, reservation.concertId);
    else assertPassAdmits(pass, reservation.concertId, 'ACTIVE');

    const payment = await d.services.payment.pay({ userId, reservationId: reservation.id }, key);
    if (payment.status === 'COMPLETED') {
      await d.paidGrace.mark(reservation.concertId, userId);
      // The payment-completed event frees the slot too; doing it now gives the next fan the seat sooner.
      await d.services.queue.complete(reservation.concertId, userId).catch((err: unknown) => logger.warn({ err }, 'could not end queue slot'));
    }
    res.status(201).json(payment);
  });

  r.get('/payments/:id', async (req, res) => {
    const id = pathId(req, 'id', 'PAYMENT_NOT_FOUND');
    res.json(await d.services.payment.getPayment(id, principalOf(res).userId));
  });

  return r;
}
