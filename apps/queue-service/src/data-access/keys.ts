import { queueKeyBase } from '@concert/contracts';

/**
 * Redis keys (DESIGN.md "Redis"). Every key of one concert carries the `{concertId}` hash tag,
 * so one concert's scripts touch a single Redis Cluster slot. `prefix` is empty in production
 * and unique per test run.
 */
export interface ConcertKeys {
  waiting: string;
  active: string;
  seen: string;
  admittedAt: string;
  policy: string;
  stats: string;
  seq: string;
  activeSeen: string;
}

export function concertKeys(prefix: string, concertId: string): ConcertKeys {
  const base = queueKeyBase(prefix, concertId); // shared with the gateway, which reads `active`
  return {
    waiting: `${base}:waiting`, // ZSET user -> sequence number (strict FIFO)
    active: `${base}:active`, // ZSET user -> expiry epoch ms (per-member expiry)
    seen: `${base}:seen`, // ZSET waiting user -> last poll epoch ms
    admittedAt: `${base}:admitted_at`, // HASH active user -> admission epoch ms
    policy: `${base}:policy`, // HASH admitPerSecond, maxActive, activeTtlSeconds
    stats: `${base}:stats`, // HASH admittedTotal, current 1-second window, measured rate
    seq: `${base}:seq`, // INCR counter for the waiting score
    activeSeen: `${base}:active_seen`, // ZSET active user -> last sign of life epoch ms
  };
}

/** Concerts with a live queue; the ticker iterates it. Not hash-tagged: it spans concerts. */
export const concertsKey = (prefix: string) => `${prefix}queue:concerts`;
export const tickerLeaseKey = (prefix: string) => `${prefix}queue:ticker:lease`;
