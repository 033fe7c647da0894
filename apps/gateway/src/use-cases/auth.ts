import type { z } from 'zod';
import type { LoginRequest, SignupRequest } from '@concert/contracts';
import { UpstreamProblem } from '@concert/service-kit';
import type { AccessPrincipal } from '../domain/principal';
import type { GatewayDeps } from './deps';

/** A plain user, always: no role travels over HTTP; admins come from configuration or the CLI. */
export async function signup(d: GatewayDeps, body: z.infer<typeof SignupRequest>, client: string) {
  await d.limits.signup(client);
  const { user } = await d.services.payment.createUser(body);
  return { user: { id: user.id, email: user.email, name: user.name, phone: user.phone ?? null } };
}

/**
 * Limited per (e-mail, client) with backoff after failures, so an attacker elsewhere slows down
 * only their own guesses. The session store gets the role, which admin routes trust over the claim.
 */
export async function login(d: GatewayDeps, body: z.infer<typeof LoginRequest>, client: string) {
  await d.limits.login(body.email, client);
  const { user } = await d.services.payment.verifyUser(body).catch(async (err: unknown) => {
    if (err instanceof UpstreamProblem && err.problem.code === 'INVALID_CREDENTIALS') await d.limits.loginFailed(body.email, client);
    throw err;
  });
  await d.limits.loginSucceeded(body.email, client);
  const access = await d.tokens.signAccess({ id: user.id, role: user.role, email: user.email });
  await d.sessions.activate(user.id, access.jti, access.expiresIn, user.role);
  return { accessToken: access.token, tokenType: 'Bearer' as const, expiresIn: access.expiresIn };
}

export async function logout(d: GatewayDeps, p: AccessPrincipal): Promise<void> {
  await d.sessions.revoke(p.userId, p.jti, p.exp);
}
