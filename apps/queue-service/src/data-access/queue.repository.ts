import type { Redis } from 'ioredis';
import type { QueuePolicy, QueueStats } from '@concert/contracts';
import type { EntryState } from '../domain/queue-entry';
import { concertKeys, concertsKey, type ConcertKeys } from './keys';
import { LuaScript } from './lua-script';
import { COMPLETE, ENQUEUE, IS_LIVE, LEAVE, STATS, STATUS, TICK } from './queue.lua';

const scripts = {
  enqueue: new LuaScript('enqueue', ENQUEUE),
  status: new LuaScript('status', STATUS),
  tick: new LuaScript('tick', TICK),
  leave: new LuaScript('leave', LEAVE),
  complete: new LuaScript('complete', COMPLETE),
  stats: new LuaScript('stats', STATS),
  isLive: new LuaScript('isLive', IS_LIVE),
};

export interface QueueDefaults {
  admitPerSecond: number;
  maxActive: number;
  activeTtlSeconds: number;
}

export interface TickSettings {
  tickMs: number;
  waitingIdleMs: number;
  /** An active fan silent this long (no poll, hold or payment) gives the slot back; 0 = never. */
  activeIdleMs: number;
  /** Upper bound on admissions per concert per tick, keeps one script run short. */
  maxBatch: number;
}

export interface TickResult {
  expired: number;
  evicted: number;
  admitted: number;
  waiting: number;
  active: number;
  /** Active slots given back because their fan went quiet. */
  released: number;
}

export interface EntryResult extends EntryState {
  /** Expired active members this call removed (for the metrics). */
  pruned: number;
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;

export function createQueueRepository(redis: Redis, opts: { keyPrefix: string; defaults: QueueDefaults; tick: TickSettings }) {
  const { keyPrefix, defaults } = opts;
  // A sale is thousands of calls on one concert: its key names are built once.
  const keyCache = new Map<string, { keys: ConcertKeys; entry: string[]; enqueue: string[] }>();
  const cached = (concertId: string) => {
    let c = keyCache.get(concertId);
    if (!c) {
      const k = concertKeys(keyPrefix, concertId);
      const entry = [k.waiting, k.active, k.seen, k.admittedAt, k.policy, k.stats, k.activeSeen];
      c = { keys: k, entry, enqueue: [...entry, k.seq] };
      if (keyCache.size >= 10_000) keyCache.clear();
      keyCache.set(concertId, c);
    }
    return c;
  };
  const keysOf = (concertId: string) => cached(concertId).keys;
  const defaultArgs = [defaults.admitPerSecond, defaults.maxActive, defaults.activeTtlSeconds];
  /** When this process last added a concert to the ticker's set. */
  const addedAt = new Map<string, number>();
  const entryKeys = (concertId: string) => cached(concertId).entry;

  return {
    async enqueue(concertId: string, userId: string): Promise<EntryResult> {
      const raw = await scripts.enqueue.run(redis, cached(concertId).enqueue, [
        userId,
        ...defaultArgs,
        opts.tick.tickMs,
      ]);
      const entry = parseEntry(raw);
      // The arrival that made the concert non-empty adds it to the ticker's set, after its script:
      // the ticker drops a concert only if it is still empty after removing it (see
      // forgetIfEmpty), so a non-empty concert stays in the set and the other arrivals of a sale
      // save this round trip. A new arrival still adds it now and then, so one lost SADD (a Redis
      // timeout after the script) cannot keep a queue off the ticker for long.
      const now = Date.now();
      if ((raw as unknown[])[10] === 1 || (entry.created && now - (addedAt.get(concertId) ?? 0) > READD_EVERY_MS)) {
        await redis.sadd(concertsKey(keyPrefix), concertId);
        if (addedAt.size > 10_000) addedAt.clear();
        addedAt.set(concertId, now);
      }
      return entry;
    },

    async status(concertId: string, userId: string): Promise<EntryResult> {
      return parseEntry(await scripts.status.run(redis, entryKeys(concertId), [userId, ...defaultArgs]));
    },

    async leave(concertId: string, userId: string): Promise<boolean> {
      const k = keysOf(concertId);
      return Number(await scripts.leave.run(redis, [k.waiting, k.active, k.seen, k.admittedAt, k.activeSeen], [userId])) > 0;
    },

    /** Ends an active slot; `notAfterMs` keeps a slot admitted after that time (see COMPLETE). */
    async complete(concertId: string, userId: string, notAfterMs?: number): Promise<'completed' | 'not-active' | 'newer-slot'> {
      const k = keysOf(concertId);
      const r = Number(await scripts.complete.run(redis, [k.active, k.admittedAt, k.activeSeen], [userId, notAfterMs ?? '']));
      return r === 1 ? 'completed' : r === -1 ? 'newer-slot' : 'not-active';
    },

    async stats(concertId: string): Promise<QueueStats> {
      const k = keysOf(concertId);
      const r = (await scripts.stats.run(redis, [k.waiting, k.active, k.policy, k.stats], defaultArgs)) as number[];
      const [waiting, active, admittedTotal, admitPerSecond, maxActive, activeTtlSeconds] = r.map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      return { waiting, active, admittedTotal, admitPerSecond, maxActive, activeTtlSeconds };
    },

    async setPolicy(concertId: string, policy: QueuePolicy): Promise<void> {
      await redis.hset(keysOf(concertId).policy, {
        admitPerSecond: policy.admitPerSecond,
        maxActive: policy.maxActive,
        activeTtlSeconds: policy.activeTtlSeconds,
      });
    },

    liveConcerts(): Promise<string[]> {
      return redis.smembers(concertsKey(keyPrefix));
    },

    async tick(concertId: string): Promise<TickResult> {
      const { tickMs, waitingIdleMs, maxBatch, activeIdleMs } = opts.tick;
      const raw = (await scripts.tick.run(redis, entryKeys(concertId), [
        ...defaultArgs,
        tickMs,
        waitingIdleMs,
        maxBatch,
        activeIdleMs,
      ])) as number[];
      const [expired, evicted, admitted, waiting, active, released] = raw.map(Number) as [number, number, number, number, number, number];
      return { expired, evicted, admitted, waiting, active, released };
    },

    /**
     * Drops an empty concert from the ticker's set. Remove first, then look again: an enqueue
     * that slipped in either is seen by the second look (and the concert is put back) or adds
     * the concert itself after our removal.
     */
    async forgetIfEmpty(concertId: string): Promise<void> {
      const set = concertsKey(keyPrefix);
      await redis.srem(set, concertId);
      const k = keysOf(concertId);
      if (Number(await scripts.isLive.run(redis, [k.waiting, k.active], [])) > 0) await redis.sadd(set, concertId);
    },

    /** Waiting and unexpired active counts of every live concert, for the gauges. */
    async counts(): Promise<Array<{ concertId: string; waiting: number; active: number }>> {
      const ids = await redis.smembers(concertsKey(keyPrefix));
      if (ids.length === 0) return [];
      const now = Date.now();
      // Not one pipeline: on a Redis Cluster the concerts live in different slots. The client
      // auto-pipelines these calls, so a single server still gets one round trip.
      return Promise.all(
        ids.map(async (concertId) => {
          const k = keysOf(concertId);
          const [waiting, active] = await Promise.all([redis.zcard(k.waiting), redis.zcount(k.active, `(${now}`, '+inf')]);
          return { concertId, waiting, active };
        }),
      );
    },
  };
}

const STATUSES = ['WAITING', 'ACTIVE', 'EXPIRED'] as const;
const READD_EVERY_MS = 5000;

function parseEntry(raw: unknown): EntryResult {
  if (!Array.isArray(raw) || raw.length < 10) throw new Error('unexpected queue script reply');
  const [status, position, activeUntil, created, aps, maxActive, ttl, active, rate, pruned] = raw as unknown[];
  const st = STATUSES.find((s) => s === status);
  if (!st) throw new Error(`unexpected queue status ${String(status)}`);
  const measured = typeof rate === 'string' && rate !== '' ? Number(rate) : NaN;
  return {
    status: st,
    position: Number(position),
    activeUntilMs: st === 'ACTIVE' ? Number(activeUntil) : null,
    created: Number(created) === 1,
    admitPerSecond: Number(aps),
    maxActive: Number(maxActive),
    activeTtlSeconds: Number(ttl),
    active: Number(active),
    measuredRate: Number.isFinite(measured) ? measured : null,
    pruned: Number(pruned),
  };
}
