import { Router } from 'express';
import { z } from 'zod';
import { parseBody, parseQuery } from '@concert/service-kit';
import { ChargeBody, TransactionCursor } from '../../domain/balance';
import { charge, getBalance, listTransactions } from '../../use-cases/balance';
import type { Deps } from '../../use-cases/deps';
import { idempotencyKeyOf, idParam, sendIdempotent } from './request';

const TransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: TransactionCursor,
});

export function balanceRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/internal/users/:userId/balance', async (req, res) => {
    res.json(await getBalance(deps, idParam(req, 'userId', 'USER_NOT_FOUND')));
  });
  r.post('/internal/users/:userId/balance/charge', async (req, res) => {
    const userId = idParam(req, 'userId', 'USER_NOT_FOUND');
    const { amount } = parseBody(ChargeBody, req);
    sendIdempotent(res, await charge(deps, { userId, amount, idempotencyKey: idempotencyKeyOf(req) }));
  });
  r.get('/internal/users/:userId/balance/transactions', async (req, res) => {
    const userId = idParam(req, 'userId', 'USER_NOT_FOUND');
    const { limit, cursor } = parseQuery(TransactionsQuery, req);
    res.json(await listTransactions(deps, userId, limit, cursor));
  });
  return r;
}
