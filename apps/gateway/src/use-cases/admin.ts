import type { QueuePolicy, QueueStats } from '@concert/contracts';
import type { GatewayDeps } from './deps';

// A queue exists only for a concert booking knows: an unknown id is booking's 404, not an empty queue.

/** Sets the concert's queue policy (admission rate, active cap, slot TTL). */
export async function setQueuePolicy(d: GatewayDeps, concertId: string, policy: QueuePolicy): Promise<QueueStats> {
  await d.services.booking.getConcert(concertId);
  return d.services.queue.setPolicy(concertId, policy);
}

/** The concert's queue as operators watch it. */
export async function queueStatsOf(d: GatewayDeps, concertId: string): Promise<QueueStats> {
  await d.services.booking.getConcert(concertId);
  return d.services.queue.stats(concertId);
}
