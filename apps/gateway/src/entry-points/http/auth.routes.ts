import { Router } from 'express';
import { LoginRequest, SignupRequest } from '@concert/contracts';
import { parseBody } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import type { GatewayDeps } from '../../use-cases/deps';

export function authRoutes(d: GatewayDeps): Router {
  const r = Router();

  r.post('/auth/signup', async (req, res) => {
    const body = parseBody(SignupRequest, req);
    // Role is never taken from a client: public signup always makes a plain user.
    const { user } = await d.services.payment.createUser({ ...body, role: 'user' });
    res.status(201).json({ user: { id: user.id, email: user.email, name: user.name, phone: user.phone ?? null } });
  });

  r.post('/auth/login', async (req, res) => {
    const body = parseBody(LoginRequest, req);
    await d.limits.login(body.email, res);
    const { user } = await d.services.payment.verifyUser(body);
    const access = await d.tokens.signAccess({ id: user.id, role: user.role, email: user.email });
    await d.sessions.activate(user.id, access.jti, access.expiresIn);
    res.json({ accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn });
  });

  r.post('/auth/logout', d.authenticate, async (_req, res) => {
    const p = principalOf(res);
    await d.sessions.revoke(p.userId, p.jti, p.exp);
    res.status(204).end();
  });

  return r;
}
