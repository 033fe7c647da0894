import { Router } from 'express';
import { z } from 'zod';
import { AppError, parseQuery } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import { isNotFound } from '../../data-access/upstream';
import { assertBookingOpen, expiredView, queueTokenExpiry, toQueueView } from '../../domain/queue-access';
import type { RouteDeps } from './deps';
import { ownQueuePass } from './queue-pass';
import { pathId } from './request-parts';

const StatusQuery = z.object({ concertId: z.uuid().optional() });

export function queueRoutes(d: RouteDeps): Router {
  const r = Router();

  r.post('/concerts/:concertId/queue/tokens', d.authenticate, async (req, res) => {
    const concertId = pathId(req, 'concertId', 'CONCERT_NOT_FOUND');
    const { userId } = principalOf(res);
    await d.limits.enqueue(userId, concertId, res);
    const concert = await d.services.booking.getConcertCached(concertId);
    const now = new Date();
    assertBookingOpen(concert, now);
    const entry = await d.services.queue.enqueue(concertId, userId);
    const pass = await d.tokens.signQueue(userId, concertId, queueTokenExpiry(concert.bookingEndTime, now, d.config.QUEUE_TOKEN_TTL_SECONDS));
    const created = entry.created !== false;
    d.queueTokensIssued.inc({ created: String(created) });
    res.status(created ? 201 : 200).json({ queueToken: pass.token, ...toQueueView({ ...entry, concertId }) });
  });

  r.get('/queue/status', d.authenticate, async (req, res) => {
    const q = parseQuery(StatusQuery, req);
    const { userId } = principalOf(res);
    const pass = await ownQueuePass(d, req, userId);
    if (q.concertId && q.concertId !== pass.concertId) throw new AppError('QUEUE_TOKEN_INVALID', 'The queue token is for another concert');
    try {
      const entry = await d.services.queue.entry(pass.concertId, userId);
      res.json(toQueueView({ ...entry, concertId: pass.concertId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      res.json(expiredView(pass.concertId));
    }
  });

  return r;
}
