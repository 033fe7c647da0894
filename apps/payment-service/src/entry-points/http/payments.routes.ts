import { Router } from 'express';
import { InternalCreatePayment, UserIdQuery } from '@concert/contracts';
import { idempotencyKey, parseBody, parseQuery, pathId } from '@concert/service-kit';
import type { PaymentDeps } from '../../use-cases/deps';
import { getPayment, pay } from '../../use-cases/pay';
import { sendIdempotent } from './idempotent-response';

export function paymentsRoutes(deps: PaymentDeps): Router {
  const r = Router();
  r.post('/internal/payments', async (req, res) => {
    const { userId, reservationId } = parseBody(InternalCreatePayment, req);
    sendIdempotent(res, await pay(deps, { userId, reservationId, idempotencyKey: idempotencyKey(req) }));
  });
  r.get('/internal/payments/:id', async (req, res) => {
    const id = pathId(req, 'id', 'PAYMENT_NOT_FOUND');
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await getPayment(deps, id, userId));
  });
  return r;
}
