import { Router } from 'express';
import { z } from 'zod';
import { parseQuery } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import type { GatewayDeps } from '../../use-cases/deps';
import { issueQueueToken, queueStatus } from '../../use-cases/queue-access';
import { ownQueuePass } from './queue-pass';
import { pathId } from './request-parts';

const StatusQuery = z.object({ concertId: z.uuid().toLowerCase().optional() });

export function queueRoutes(d: GatewayDeps): Router {
  const r = Router();

  r.post('/concerts/:concertId/queue/tokens', d.authenticate, async (req, res) => {
    const concertId = pathId(req, 'concertId', 'CONCERT_NOT_FOUND');
    const { created, body } = await issueQueueToken(d, principalOf(res).userId, concertId);
    res.status(created ? 201 : 200).json(body);
  });

  r.get('/queue/status', d.authenticate, async (req, res) => {
    const q = parseQuery(StatusQuery, req);
    const pass = await ownQueuePass(d, req, principalOf(res).userId);
    res.json(await queueStatus(d, pass, q.concertId));
  });

  return r;
}
