import { Router } from 'express';
import { z } from 'zod';
import { parseQuery } from '@concert/service-kit';
import { alongsideOf, lookOf, passOf, principalOf } from '../../auth/middleware';
import type { GatewayDeps } from '../../use-cases/deps';
import { enqueueAttempt, issueQueueToken, queueStatus } from '../../use-cases/queue-access';
import { pathId, uuidOrUndefined } from './request-parts';

const StatusQuery = z.object({ concertId: z.uuid().toLowerCase().optional() });

export function queueRoutes(d: GatewayDeps): Router {
  const r = Router();

  // The enqueue attempt is spent in the session check's round trip (a junk path id spends none).
  const spendAttempt = d.authenticateWith({
    alongside: (req, { principal }) => {
      const concertId = uuidOrUndefined(req.params.concertId);
      return concertId ? enqueueAttempt(d, principal.userId, concertId) : undefined;
    },
  });
  r.post('/concerts/:concertId/queue/tokens', spendAttempt, async (req, res) => {
    const concertId = pathId(req, 'concertId', 'CONCERT_NOT_FOUND');
    const { created, body } = await issueQueueToken(d, principalOf(res).userId, concertId, alongsideOf<Promise<void>>(res));
    res.status(created ? 201 : 200).json(body);
  });

  r.get('/queue/status', d.authenticateWith({ queuePass: true }), async (req, res) => {
    // No query string (the usual poll): nothing to validate.
    const q = req.url.includes('?') ? parseQuery(StatusQuery, req) : {};
    res.json(await queueStatus(d, passOf(res), q.concertId, lookOf(res)));
  });

  return r;
}
