import { Router } from 'express';
import { z } from 'zod';
import { QueueEnqueueRequest, QueuePolicy } from '@concert/contracts';
import { parseBody, parseParams } from '@concert/service-kit';
import type { QueueRepository } from '../../data-access/queue.repository';
import { toQueueEntry } from '../../domain/queue-entry';
import type { QueueMetrics } from '../../queue-metrics';

// Ids are keys in Redis: one spelling per id, whatever case the caller used.
const Id = z.uuid().transform((s) => s.toLowerCase());
const ConcertParams = z.object({ concertId: Id });
const EntryParams = z.object({ concertId: Id, userId: Id });

export function queueRoutes(deps: { repo: QueueRepository; metrics: QueueMetrics }): Router {
  const { repo, metrics } = deps;
  const r = Router();

  r.post('/queues/:concertId/entries', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    const userId = parseBody(QueueEnqueueRequest, req).userId.toLowerCase();
    const state = await repo.enqueue(concertId, userId);
    if (state.pruned) metrics.expired.inc(state.pruned);
    if (state.created && state.status === 'ACTIVE') metrics.admitted.inc();
    res.status(state.created ? 201 : 200).json(toQueueEntry(concertId, userId, state, true));
  });

  r.get('/queues/:concertId/entries/:userId', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    const state = await repo.status(concertId, userId);
    if (state.pruned) metrics.expired.inc(state.pruned);
    res.json(toQueueEntry(concertId, userId, state, false));
  });

  r.delete('/queues/:concertId/entries/:userId', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    await repo.leave(concertId, userId);
    res.status(204).end();
  });

  r.post('/queues/:concertId/entries/:userId/complete', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    if ((await repo.complete(concertId, userId)) === 'completed') metrics.completed.inc();
    res.status(204).end();
  });

  r.put('/queues/:concertId/policy', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    await repo.setPolicy(concertId, parseBody(QueuePolicy, req));
    res.json(await repo.stats(concertId));
  });

  r.get('/queues/:concertId/stats', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    res.json(await repo.stats(concertId));
  });

  return r;
}
