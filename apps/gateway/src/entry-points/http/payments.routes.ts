import { Router } from 'express';
import { CreatePaymentRequest } from '@concert/contracts';
import { idempotencyKey as readIdempotencyKey, parseBody, pathId, type Logger } from '@concert/service-kit';
import { lookOf, passOf, principalOf } from './authentication';
import type { GatewayDeps } from '../../use-cases/deps';
import { payReservation } from '../../use-cases/payments';

export function paymentRoutes(d: GatewayDeps, logger: Logger): Router {
  const r = Router();

  r.post('/payments', d.authenticateWith({ queuePass: true }), async (req, res) => {
    const { reservationId } = parseBody(CreatePaymentRequest, req);
    const idempotencyKey = readIdempotencyKey(req);
    const { userId } = principalOf(res);
    const pass = () => passOf(res);
    res.status(201).json(await payReservation(d, logger, { userId, reservationId, pass, look: lookOf(res), idempotencyKey }));
  });
  // Everything else under /payments (the payment above authenticates itself).
  r.use('/payments', d.authenticate);

  r.get('/payments/:id', async (req, res) => {
    const id = pathId(req, 'id', 'PAYMENT_NOT_FOUND');
    res.json(await d.services.payment.getPayment(id, principalOf(res).userId));
  });

  return r;
}
