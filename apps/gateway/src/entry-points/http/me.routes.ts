import { Router } from 'express';
import { ChargeRequest, MAX_CHARGE, TransactionsQuery, toCents } from '@concert/contracts';
import { idempotencyKey, parseBody, parseQuery } from '@concert/service-kit';
import { principalOf } from './authentication';
import type { GatewayDeps } from '../../use-cases/deps';

/** API.md: a charge is > 0 and at most 1,000,000.00. */
export const ChargeBody = ChargeRequest.refine((b) => toCents(b.amount) > 0n, { path: ['amount'], message: 'must be greater than 0' }).refine(
  (b) => toCents(b.amount) <= toCents(MAX_CHARGE),
  { path: ['amount'], message: `must be at most ${MAX_CHARGE}` },
);

export function meRoutes(d: GatewayDeps): Router {
  const r = Router();
  r.use('/me', d.authenticate);

  r.get('/me', async (_req, res) => {
    const u = await d.services.payment.getUser(principalOf(res).userId);
    res.json({ id: u.id, email: u.email, name: u.name, phone: u.phone ?? null });
  });

  r.get('/me/balance', async (_req, res) => {
    res.json(await d.services.payment.balance(principalOf(res).userId));
  });

  r.post('/me/balance/charge', async (req, res) => {
    const body = parseBody(ChargeBody, req);
    const key = idempotencyKey(req);
    res.json(await d.services.payment.charge(principalOf(res).userId, body.amount, key));
  });

  r.get('/me/balance/transactions', async (req, res) => {
    const q = parseQuery(TransactionsQuery, req);
    const page = await d.services.payment.transactions(principalOf(res).userId, q);
    res.json({ items: page.items, nextCursor: page.nextCursor ?? null });
  });

  r.get('/me/reservations', async (_req, res) => {
    res.json(await d.services.booking.userReservations(principalOf(res).userId));
  });

  return r;
}
