import { Router, type Express, type RequestHandler } from 'express';
import { createHttpApp, finish, requireServiceToken, type Logger, type Metrics, type ReadinessCheck } from '@concert/service-kit';
import { queueRoutes } from './entry-points/http/queue.routes';
import type { QueueDeps } from './use-cases/deps';

export function createApp(
  deps: QueueDeps,
  o: {
    logger: Logger;
    metrics: Metrics;
    /** INTERNAL_KEY_GATEWAY: only the gateway calls the queue. */
    gatewayKey: string;
    readiness: Record<string, ReadinessCheck>;
    /** Bounded work: past the admission limit a request is refused (503 + Retry-After) before any work. */
    admission?: RequestHandler;
  },
): Express {
  const app = createHttpApp({ logger: o.logger, metrics: o.metrics, readiness: o.readiness });
  // One router under /internal, the credential and admission first, then the routes themselves:
  // each call of a sale's enqueue walks one prefix match and one router instead of three and two.
  const internal = Router();
  internal.use(requireServiceToken('queue-service', { gateway: { secret: o.gatewayKey } }));
  if (o.admission) internal.use(o.admission);
  app.use('/internal', queueRoutes(deps, internal));
  return finish(app, o.logger);
}
