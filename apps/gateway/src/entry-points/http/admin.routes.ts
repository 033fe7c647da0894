import { Router } from 'express';
import { CreateConcertRequest, QueuePolicy, UpdateConcertRequest } from '@concert/contracts';
import { parseBody, pathId } from '@concert/service-kit';
import { queueStatsOf, setQueuePolicy } from '../../use-cases/admin';
import type { GatewayDeps } from '../../use-cases/deps';

export function adminRoutes(d: GatewayDeps): Router {
  const r = Router();
  r.use('/admin', d.authenticate, d.requireAdmin);

  r.post('/admin/concerts', async (req, res) => {
    const body = parseBody(CreateConcertRequest, req);
    res.status(201).json(await d.services.booking.createConcert(body));
  });

  r.patch('/admin/concerts/:id', async (req, res) => {
    const id = pathId(req, 'id', 'CONCERT_NOT_FOUND');
    const body = parseBody(UpdateConcertRequest, req);
    res.json(await d.services.booking.updateConcert(id, body));
  });

  r.put('/admin/concerts/:id/queue-policy', async (req, res) => {
    const id = pathId(req, 'id', 'CONCERT_NOT_FOUND');
    const body = parseBody(QueuePolicy, req);
    res.json(await setQueuePolicy(d, id, body));
  });

  r.get('/admin/concerts/:id/queue', async (req, res) => {
    res.json(await queueStatsOf(d, pathId(req, 'id', 'CONCERT_NOT_FOUND')));
  });

  return r;
}
