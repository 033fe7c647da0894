import type { Express } from 'express';
import { createHttpApp, finish, requireServiceToken, serviceAdmission, type ReadinessCheck } from '@concert/service-kit';
import { balanceRoutes } from './entry-points/http/balance.routes';
import { paymentsRoutes } from './entry-points/http/payments.routes';
import { usersRoutes } from './entry-points/http/users.routes';
import type { Deps } from './use-cases/deps';

/** The same shape as every service's: (deps, options). Logger, metrics and keys come with deps here. */
export function createApp(deps: Deps, o: { readiness: Record<string, ReadinessCheck> }): Express {
  const app = createHttpApp({ logger: deps.logger, metrics: deps.metrics, readiness: o.readiness });
  // Only the gateway calls payment-service.
  app.use('/internal', requireServiceToken('payment-service', { gateway: { secret: deps.config.INTERNAL_KEY_GATEWAY } }));
  // Signup and login have their own bounded pool (password hashing, use-cases/password-pool.ts);
  // everything else is bounded here: past the limit, 503 + Retry-After before any read or write.
  app.use(usersRoutes(deps));
  app.use('/internal', serviceAdmission('internal', deps.config, deps.metrics));
  app.use(balanceRoutes(deps));
  app.use(paymentsRoutes(deps));
  return finish(app, deps.logger);
}
