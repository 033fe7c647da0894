import { Router } from 'express';
import { z } from 'zod';
import { ConcertStatus } from '@concert/contracts';
import { parseQuery, pathId } from '@concert/service-kit';
import type { GatewayDeps } from '../../use-cases/deps';

/** `?status=` left empty means no filter. */
const ListQuery = z.object({ status: z.preprocess((v) => (v === '' ? undefined : v), ConcertStatus.optional()) });

export function concertRoutes(d: GatewayDeps): Router {
  const r = Router();

  r.get('/concerts', async (req, res) => {
    const q = parseQuery(ListQuery, req);
    res.json(await d.services.booking.listConcerts(q.status));
  });

  r.get('/concerts/:concertId', async (req, res) => {
    res.json(await d.services.booking.getConcert(pathId(req, 'concertId', 'CONCERT_NOT_FOUND')));
  });

  r.get('/concerts/:concertId/seats', async (req, res) => {
    res.json(await d.services.booking.getSeats(pathId(req, 'concertId', 'CONCERT_NOT_FOUND')));
  });

  return r;
}
