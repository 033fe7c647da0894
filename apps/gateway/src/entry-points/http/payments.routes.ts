import { Router } from 'express';
import { CreatePaymentRequest } from '@concert/contracts';
import { parseBody, type Logger } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import type { GatewayDeps } from '../../use-cases/deps';
import { payReservation } from '../../use-cases/payments';
import { ownQueuePass } from './queue-pass';
import { idempotencyKey as readIdempotencyKey, pathId } from './request-parts';

export function paymentRoutes(d: GatewayDeps, logger: Logger): Router {
  const r = Router();
  r.use('/payments', d.authenticate);

  r.post('/payments', async (req, res) => {
    const { reservationId } = parseBody(CreatePaymentRequest, req);
    const idempotencyKey = readIdempotencyKey(req);
    const { userId } = principalOf(res);
    const pass = () => ownQueuePass(d, req, userId);
    res.status(201).json(await payReservation(d, logger, { userId, reservationId, pass, idempotencyKey }));
  });

  r.get('/payments/:id', async (req, res) => {
    const id = pathId(req, 'id', 'PAYMENT_NOT_FOUND');
    res.json(await d.services.payment.getPayment(id, principalOf(res).userId));
  });

  return r;
}
