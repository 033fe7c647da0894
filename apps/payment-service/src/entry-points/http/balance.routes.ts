import { Router } from 'express';
import { z } from 'zod';
import { idempotencyKey, parseBody, parseQuery, pathId } from '@concert/service-kit';
import { ChargeBody, TransactionCursor } from '../../domain/balance';
import { charge, getBalance, listTransactions } from '../../use-cases/balance';
import type { PaymentDeps } from '../../use-cases/deps';
import { sendIdempotent } from './idempotent-response';

const TransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: TransactionCursor,
});

export function balanceRoutes(deps: PaymentDeps): Router {
  const r = Router();
  r.get('/internal/users/:userId/balance', async (req, res) => {
    res.json(await getBalance(deps, pathId(req, 'userId', 'USER_NOT_FOUND')));
  });
  r.post('/internal/users/:userId/balance/charge', async (req, res) => {
    const userId = pathId(req, 'userId', 'USER_NOT_FOUND');
    const { amount } = parseBody(ChargeBody, req);
    sendIdempotent(res, await charge(deps, { userId, amount, idempotencyKey: idempotencyKey(req) }));
  });
  r.get('/internal/users/:userId/balance/transactions', async (req, res) => {
    const userId = pathId(req, 'userId', 'USER_NOT_FOUND');
    const { limit, cursor } = parseQuery(TransactionsQuery, req);
    res.json(await listTransactions(deps, userId, limit, cursor));
  });
  return r;
}
