import type { Express, RequestHandler } from 'express';
import { createHttpApp, finish, requireInternalToken, type Logger, type Metrics, type ReadinessCheck } from '@concert/service-kit';
import { queueRoutes } from './entry-points/http/queue.routes';
import type { QueueDeps } from './use-cases/deps';

export function createApp(
  deps: QueueDeps,
  o: {
    logger: Logger;
    metrics: Metrics;
    internalToken: string;
    readiness: Record<string, ReadinessCheck>;
    /** Bounded work: past the admission limit a request is refused (503 + Retry-After) before any work. */
    admission?: RequestHandler;
  },
): Express {
  const app = createHttpApp({ logger: o.logger, metrics: o.metrics, readiness: o.readiness });
  app.use('/internal', requireInternalToken(o.internalToken));
  if (o.admission) app.use('/internal', o.admission);
  app.use('/internal', queueRoutes(deps));
  return finish(app, o.logger);
}
