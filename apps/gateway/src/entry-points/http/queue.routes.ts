import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parseQuery, pathId } from '@concert/service-kit';
import { lookOf, passOf, principalOf } from './authentication';
import type { GatewayDeps } from '../../use-cases/deps';
import { issueQueueToken, queueStatus } from '../../use-cases/queue-access';

const StatusQuery = z.object({ concertId: z.uuid().toLowerCase().optional() });

/** Where the queue's routes are mounted: app.ts puts them in front of every other route. */
export interface RouteTable {
  get(path: string, ...handlers: RequestHandler[]): void;
  post(path: string, ...handlers: RequestHandler[]): void;
}

export function queueRoutes(d: GatewayDeps, r: RouteTable): void {

  // The enqueue attempt is spent only once the session check and the user limit passed (in the
  // use case, after this middleware): a request refused with 401 or 429 must not cost the fan an
  // attempt. A junk path id spends none either (404 first).
  r.post('/concerts/:concertId/queue/tokens', d.authenticate, async (req, res) => {
    const concertId = pathId(req, 'concertId', 'CONCERT_NOT_FOUND');
    const { created, body } = await issueQueueToken(d, principalOf(res).userId, concertId);
    res.status(created ? 201 : 200).json(body);
  });

  r.get('/queue/status', d.authenticateWith({ queuePass: true }), async (req, res) => {
    // No query string (the usual poll): nothing to validate.
    const q = req.url.includes('?') ? parseQuery(StatusQuery, req) : {};
    res.json(await queueStatus(d, passOf(res), q.concertId, lookOf(res)));
  });
}
