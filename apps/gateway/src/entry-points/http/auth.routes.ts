import { Router } from 'express';
import { LoginRequest, SignupRequest } from '@concert/contracts';
import { parseBody } from '@concert/service-kit';
import { principalOf } from './authentication';
import { clientOf, perClientAuthLimit } from './rate-limit.middleware';
import { login, logout, signup } from '../../use-cases/auth';
import type { GatewayDeps } from '../../use-cases/deps';

export function authRoutes(d: GatewayDeps): Router {
  const r = Router();
  r.use('/auth', perClientAuthLimit(d.limits));

  r.post('/auth/signup', async (req, res) => {
    const body = parseBody(SignupRequest, req);
    res.status(201).json(await signup(d, body, clientOf(req)));
  });

  r.post('/auth/login', async (req, res) => {
    const body = parseBody(LoginRequest, req);
    res.json(await login(d, body, clientOf(req)));
  });

  r.post('/auth/logout', d.authenticate, async (_req, res) => {
    await logout(d, principalOf(res));
    res.status(204).end();
  });

  return r;
}
