import { Router } from 'express';
import { z } from 'zod';
import { QueueEnqueueRequest, QueuePolicy } from '@concert/contracts';
import { parseBody, parseParams } from '@concert/service-kit';
import type { QueueDeps } from '../../use-cases/deps';
import { completeSlot, enqueue, entryStatus, leave, setPolicy, stats } from '../../use-cases/waiting-room';

// Ids are keys in Redis: one spelling per id, whatever case the caller used.
const Id = z.uuid().transform((s) => s.toLowerCase());
const ConcertParams = z.object({ concertId: Id });
const EntryParams = z.object({ concertId: Id, userId: Id });

/** The queue's routes, added to `r` (app.ts passes the /internal router, so a call walks one router). */
export function queueRoutes(d: QueueDeps, r: Router = Router()): Router {

  r.post('/queues/:concertId/entries', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    const userId = parseBody(QueueEnqueueRequest, req).userId.toLowerCase();
    const entry = await enqueue(d, concertId, userId);
    res.status(entry.created ? 201 : 200).json(entry);
  });

  r.get('/queues/:concertId/entries/:userId', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    res.json(await entryStatus(d, concertId, userId));
  });

  r.delete('/queues/:concertId/entries/:userId', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    await leave(d, concertId, userId);
    res.status(204).end();
  });

  r.post('/queues/:concertId/entries/:userId/complete', async (req, res) => {
    const { concertId, userId } = parseParams(EntryParams, req);
    await completeSlot(d, concertId, userId);
    res.status(204).end();
  });

  r.put('/queues/:concertId/policy', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    res.json(await setPolicy(d, concertId, parseBody(QueuePolicy, req)));
  });

  r.get('/queues/:concertId/stats', async (req, res) => {
    const { concertId } = parseParams(ConcertParams, req);
    res.json(await stats(d, concertId));
  });

  return r;
}
