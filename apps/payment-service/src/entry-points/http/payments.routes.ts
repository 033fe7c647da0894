import { Router } from 'express';
import { InternalCreatePayment, UserIdQuery } from '@concert/contracts';
import { parseBody, parseQuery } from '@concert/service-kit';
import type { Deps } from '../../use-cases/deps';
import { getPayment, pay } from '../../use-cases/pay';
import { idempotencyKeyOf, idParam } from './request';

export function paymentsRoutes(deps: Deps): Router {
  const r = Router();
  r.post('/internal/payments', async (req, res) => {
    const { userId, reservationId } = parseBody(InternalCreatePayment, req);
    const idempotencyKey = idempotencyKeyOf(req);
    const out = await pay(deps, { userId, reservationId, idempotencyKey });
    if (out.replayed) res.setHeader('idempotent-replayed', 'true');
    res.status(out.status).json(out.body);
  });
  r.get('/internal/payments/:id', async (req, res) => {
    const id = idParam(req, 'id', 'PAYMENT_NOT_FOUND');
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await getPayment(deps, id, userId));
  });
  return r;
}
