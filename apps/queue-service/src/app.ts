import type { Express, RequestHandler } from 'express';
import { createHttpApp, finish, requireInternalToken, type Logger, type Metrics, type ReadinessCheck } from '@concert/service-kit';
import type { QueueRepository } from './data-access/queue.repository';
import { queueRoutes } from './entry-points/http/queue.routes';
import type { QueueMetrics } from './queue-metrics';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  queueMetrics: QueueMetrics;
  repo: QueueRepository;
  internalToken: string;
  readiness: Record<string, ReadinessCheck>;
  /** Bounded work: past the admission limit a request is refused (503 + Retry-After) before any work. */
  admission?: RequestHandler;
}

export function createApp(deps: AppDeps): Express {
  const app = createHttpApp({ logger: deps.logger, metrics: deps.metrics, readiness: deps.readiness });
  app.use('/internal', requireInternalToken(deps.internalToken));
  if (deps.admission) app.use('/internal', deps.admission);
  app.use('/internal', queueRoutes({ repo: deps.repo, metrics: deps.queueMetrics }));
  return finish(app, deps.logger);
}
