import { Router } from 'express';
import { ConcertListQuery, CreateConcertRequest, UpdateConcertRequest, toCents } from '@concert/contracts';
import { parseBody, parseQuery, pathId } from '@concert/service-kit';
import { MAX_TICKET_PRICE_CENTS } from '../../domain/concert';
import type { BookingDeps } from '../../use-cases/deps';
import { changeConcertStatus, createConcert, getConcert, getSeatMap, listConcerts } from '../../use-cases/concerts';

// Shapes the contract lets through but Postgres would reject (a 500 otherwise).
const CreateConcert = CreateConcertRequest.superRefine((c, ctx) => {
  const d = new Date(`${c.concertDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== c.concertDate) {
    ctx.addIssue({ code: 'custom', path: ['concertDate'], message: 'must be a real calendar date' });
  }
  const [h = 99, m = 99, s = 0] = c.concertTime.split(':').map(Number);
  if (h > 23 || m > 59 || s > 59) ctx.addIssue({ code: 'custom', path: ['concertTime'], message: 'must be a time of day' });
  if (toCents(c.price) > MAX_TICKET_PRICE_CENTS) {
    ctx.addIssue({ code: 'custom', path: ['price'], message: 'must be at most 99999999.99' });
  }
});

export function concertRoutes(d: BookingDeps): Router {
  const r = Router();

  r.get('/concerts', async (req, res) => {
    const { status } = parseQuery(ConcertListQuery, req);
    res.json({ items: await listConcerts(d, status) });
  });

  r.get('/concerts/:concertId', async (req, res) => {
    res.json(await getConcert(d, pathId(req, 'concertId', 'CONCERT_NOT_FOUND')));
  });

  r.get('/concerts/:concertId/seats', async (req, res) => {
    res.json(await getSeatMap(d, pathId(req, 'concertId', 'CONCERT_NOT_FOUND')));
  });

  r.post('/concerts', async (req, res) => {
    res.status(201).json(await createConcert(d, parseBody(CreateConcert, req)));
  });

  r.patch('/concerts/:concertId', async (req, res) => {
    const id = pathId(req, 'concertId', 'CONCERT_NOT_FOUND');
    const { status } = parseBody(UpdateConcertRequest, req);
    res.json(await changeConcertStatus(d, id, status));
  });

  return r;
}
