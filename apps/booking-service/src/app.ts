import type { Express, RequestHandler } from 'express';
import {
  createHttpApp,
  finish,
  requireInternalToken,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@concert/service-kit';
import { concertsRouter } from './entry-points/http/concerts.routes';
import { reservationsRouter } from './entry-points/http/reservations.routes';
import type { BookingDeps } from './use-cases/deps';

export function createApp(
  deps: BookingDeps,
  o: { logger: Logger; metrics: Metrics; internalToken: string; readiness: Record<string, ReadinessCheck>; admission?: RequestHandler },
): Express {
  const app = createHttpApp({ logger: o.logger, metrics: o.metrics, readiness: o.readiness });
  app.use('/internal', requireInternalToken(o.internalToken));
  // Bounded work: past the admission limit a request is refused (503 + Retry-After) before it reads or writes.
  if (o.admission) app.use('/internal', o.admission);
  app.use('/internal', concertsRouter(deps));
  app.use('/internal', reservationsRouter(deps));
  return finish(app, o.logger);
}
