import type { Express, RequestHandler } from 'express';
import {
  createHttpApp,
  finish,
  requireServiceToken,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@concert/service-kit';
import { concertRoutes } from './entry-points/http/concerts.routes';
import { reservationRoutes } from './entry-points/http/reservations.routes';
import type { BookingDeps } from './use-cases/deps';

export function createApp(
  deps: BookingDeps,
  o: { logger: Logger; metrics: Metrics; internalKeys: { gateway: string; payment: string }; readiness: Record<string, ReadinessCheck>; admission?: RequestHandler },
): Express {
  const app = createHttpApp({ logger: o.logger, metrics: o.metrics, readiness: o.readiness });
  // The gateway calls everything; payment-service only asks whether a reservation is payable.
  app.use(
    '/internal',
    requireServiceToken('booking-service', {
      gateway: { secret: o.internalKeys.gateway },
      'payment-service': { secret: o.internalKeys.payment, routes: [/^GET \/reservations\/[^/]+\/payable$/] },
    }),
  );
  // Bounded work: past the admission limit a request is refused (503 + Retry-After) before it reads or writes.
  if (o.admission) app.use('/internal', o.admission);
  app.use('/internal', concertRoutes(deps));
  app.use('/internal', reservationRoutes(deps));
  return finish(app, o.logger);
}
