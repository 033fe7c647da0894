import type { Express } from 'express';
import { createHttpApp, finish, requireServiceToken, serviceAdmission, type Logger, type Metrics, type ReadinessCheck } from '@concert/service-kit';
import { balanceRoutes } from './entry-points/http/balance.routes';
import { paymentsRoutes } from './entry-points/http/payments.routes';
import { usersRoutes } from './entry-points/http/users.routes';
import type { PaymentDeps } from './use-cases/deps';

/** The same shape as every service's: (deps, options). The internal key comes with deps' config here. */
export function createApp(deps: PaymentDeps, o: { logger: Logger; metrics: Metrics; readiness: Record<string, ReadinessCheck> }): Express {
  const app = createHttpApp({ logger: o.logger, metrics: o.metrics, readiness: o.readiness });
  // Only the gateway calls payment-service.
  app.use('/internal', requireServiceToken('payment-service', { gateway: { secret: deps.config.INTERNAL_KEY_GATEWAY } }));
  // Signup and login have their own bounded pool (password hashing, use-cases/password-pool.ts);
  // everything else is bounded here: past the limit, 503 + Retry-After before any read or write.
  app.use(usersRoutes(deps));
  app.use('/internal', serviceAdmission('internal', deps.config, o.metrics));
  app.use(balanceRoutes(deps));
  app.use(paymentsRoutes(deps));
  return finish(app, o.logger);
}
