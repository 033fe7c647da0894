import type { Redis } from 'ioredis';
import { queueActiveKey, type QueueEntry } from '@concert/contracts';
import type { queueApi } from './services';

type QueueApi = ReturnType<typeof queueApi>;

/**
 * A fan's queue entry with the fewest hops the ownership rules allow. queue-service owns the
 * waiting room and is its only writer, and a poll is also the fan's sign of life there (it keeps
 * a waiting place and an active slot from going idle). So the first look, and then one look
 * every `heartbeatMs` per fan, goes to queue-service; in between, an admitted fan is answered
 * from one Redis read of the active ZSET that queue-service keeps (slot expiry per member).
 *
 * Only ACTIVE is ever answered locally. Anything else (waiting: position and ETA are
 * queue-service's to compute; not found; Redis unreachable; a gateway pointed at another Redis)
 * falls through to queue-service, so a local answer can be late by at most the heartbeat on
 * liveness, never wrong about admission. Polls, holds and payments all use it; an enqueue is a
 * sign of life too.
 */
export interface QueueReader extends QueueApi {
  /**
   * Starts a fan's look now and answers it later: the Redis read leaves at once (so it shares the
   * round trip of whatever else the request sends in the same tick); a call to queue-service is
   * made only when the answer is awaited, and only if it is needed.
   */
  look(concertId: string, userId: string): () => Promise<QueueEntry>;
}

export function withQueueReader(api: QueueApi, redis: Redis, opts: { keyPrefix: string; heartbeatMs: number; maxFans?: number }): QueueReader {
  const lastAsked = new Map<string, number>();
  const maxFans = opts.maxFans ?? 200_000;

  const remember = (key: string, at: number) => {
    lastAsked.delete(key);
    if (lastAsked.size >= maxFans) {
      const oldest = lastAsked.keys().next().value;
      if (oldest !== undefined) lastAsked.delete(oldest);
    }
    lastAsked.set(key, at);
  };

  async function ask(key: string, concertId: string, userId: string): Promise<QueueEntry> {
    const entry = await api.entry(concertId, userId);
    remember(key, Date.now());
    return entry;
  }

  function look(concertId: string, userId: string): () => Promise<QueueEntry> {
    const fan = userId.toLowerCase();
    const key = `${concertId.toLowerCase()}:${fan}`;
    const now = Date.now();
    if (opts.heartbeatMs <= 0 || now - (lastAsked.get(key) ?? 0) >= opts.heartbeatMs) return () => ask(key, concertId, userId);
    const score = redis.zscore(queueActiveKey(opts.keyPrefix, concertId), fan).catch(() => null);
    return async () => {
      const s = await score;
      const until = s === null ? NaN : Number(s);
      if (!(until > Date.now())) return ask(key, concertId, userId);
      return { concertId, userId, status: 'ACTIVE', position: 0, estimatedWaitSeconds: 0, activeUntil: new Date(until).toISOString() };
    };
  }

  async function enqueue(concertId: string, userId: string): Promise<QueueEntry> {
    const e = await api.enqueue(concertId, userId);
    remember(`${concertId}:${userId}`.toLowerCase(), Date.now());
    return e;
  }

  return { ...api, entry: (concertId, userId) => look(concertId, userId)(), enqueue, look };
}
