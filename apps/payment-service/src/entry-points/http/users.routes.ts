import { Router } from 'express';
import { InternalCreateUser, LoginRequest } from '@concert/contracts';
import { parseBody, pathId } from '@concert/service-kit';
import type { PaymentDeps } from '../../use-cases/deps';
import { getUser, signup, verifyCredentials } from '../../use-cases/users';

/** Identity for the gateway's signup and login; the gateway issues the tokens. */
export function usersRoutes(deps: PaymentDeps): Router {
  const r = Router();
  r.post('/internal/users', async (req, res) => {
    const body = parseBody(InternalCreateUser, req);
    res.status(201).json({ user: await signup(deps.db, body) });
  });
  r.post('/internal/users/verify', async (req, res) => {
    const { email, password } = parseBody(LoginRequest, req);
    res.json({ user: await verifyCredentials(deps.db, email, password) });
  });
  r.get('/internal/users/:userId', async (req, res) => {
    res.json(await getUser(deps.db, pathId(req, 'userId', 'USER_NOT_FOUND')));
  });
  return r;
}
