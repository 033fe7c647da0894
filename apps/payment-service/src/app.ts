import type { Express } from 'express';
import { createHttpApp, finish, requireInternalToken, type ReadinessCheck } from '@concert/service-kit';
import { balanceRoutes } from './entry-points/http/balance.routes';
import { paymentsRoutes } from './entry-points/http/payments.routes';
import { usersRoutes } from './entry-points/http/users.routes';
import type { Deps } from './use-cases/deps';

export function createApp(deps: Deps, readiness: Record<string, ReadinessCheck>): Express {
  const app = createHttpApp({ logger: deps.logger, metrics: deps.metrics, readiness });
  app.use('/internal', requireInternalToken(deps.config.INTERNAL_TOKEN));
  app.use(usersRoutes(deps));
  app.use(balanceRoutes(deps));
  app.use(paymentsRoutes(deps));
  return finish(app, deps.logger);
}
