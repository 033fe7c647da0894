import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { eventually, sleep, testRedisUrl } from '@concert/testing';
import { concertsKey } from '../src/data-access/keys';
import { background, useQueue } from './helpers';

// Second-scale limits through the configured defaults (the public policy floors TTL at 10 s).
const q = useQueue({
  QUEUE_TICK_MS: '100',
  QUEUE_WAITING_IDLE_SECONDS: '1',
  QUEUE_DEFAULT_ACTIVE_TTL_SECONDS: '2',
  QUEUE_DEFAULT_MAX_ACTIVE: '2',
});
let redis: Redis;
beforeAll(async () => {
  redis = new Redis(await testRedisUrl());
});
afterAll(async () => {
  await redis?.quit();
});

describe('eviction and expiry', () => {
  it('evicts waiting fans who stop polling and expires each active fan on their own clock', async () => {
    const c = q.svc.client;
    const concert = randomUUID();
    const [first, second, polled, abandoned, alsoPolled] = Array.from({ length: 5 }, () => randomUUID()) as [
      string,
      string,
      string,
      string,
      string,
    ];

    const a = (await c.enqueue(concert, first)).body;
    expect(a.status).toBe('ACTIVE');
    await sleep(700);
    const b = (await c.enqueue(concert, second)).body;
    expect(b.status).toBe('ACTIVE');
    expect(Date.parse(b.activeUntil!) - Date.parse(a.activeUntil!)).toBeGreaterThanOrEqual(600);
    for (const u of [polled, abandoned, alsoPolled]) expect((await c.enqueue(concert, u)).body.status).toBe('WAITING');

    const poller = background(async () => {
      await Promise.all([c.status(concert, polled), c.status(concert, alsoPolled)]);
    }, 200);
    try {
      // The abandoned place goes after the idle time (watched through the stats: a poll would
      // keep it alive); the line closes up behind it.
      await eventually(async () => expect((await c.stats(concert)).body.waiting).toBe(2), { timeoutMs: 5000 });
      expect((await c.status(concert, abandoned)).body.status).toBe('EXPIRED');
      expect((await c.status(concert, polled)).body).toMatchObject({ status: 'WAITING', position: 1 });
      expect((await c.status(concert, alsoPolled)).body).toMatchObject({ status: 'WAITING', position: 2 });
      // Coming back means the back of the line.
      const back = await c.enqueue(concert, abandoned);
      expect(back.body).toMatchObject({ status: 'WAITING', position: 3, created: true });
      await c.leave(concert, abandoned);

      // The first slot runs out while the second is still live; its slot goes to the head of the line.
      await eventually(async () => expect((await c.status(concert, polled)).body.status).toBe('ACTIVE'), { timeoutMs: 5000 });
      expect((await c.status(concert, first)).body.status).toBe('EXPIRED');
      expect((await c.status(concert, second)).body.status).toBe('ACTIVE');
      expect((await c.status(concert, alsoPolled)).body).toMatchObject({ status: 'WAITING', position: 1 });

      await eventually(async () => expect((await c.status(concert, alsoPolled)).body.status).toBe('ACTIVE'), { timeoutMs: 5000 });
      expect((await c.status(concert, second)).body.status).toBe('EXPIRED');
      expect((await c.status(concert, polled)).body.status).toBe('ACTIVE');
    } finally {
      await poller.stop();
    }

    const text = await (await fetch(`${c.base}/metrics`)).text();
    expect(text).toMatch(/^queue_evicted_total\{[^}]*\} 1$/m);
    expect(text).toMatch(/^queue_expired_total\{[^}]*\} 2$/m);
  }, 30_000);

  it('drops a concert from the ticker set once its queue is empty', async () => {
    const c = q.svc.client;
    const concert = randomUUID();
    const u = randomUUID();
    await c.enqueue(concert, u);
    const live = async () => (await redis.sismember(concertsKey(q.ns.keyPrefix), concert)) === 1;
    expect(await live()).toBe(true);
    await c.complete(concert, u);
    await eventually(async () => expect(await live()).toBe(false), { timeoutMs: 3000 });
    expect((await c.enqueue(concert, u)).body).toMatchObject({ status: 'ACTIVE', created: true });
    expect(await live()).toBe(true);
  });
});

describe('active fans who go quiet', () => {
  const q2 = useQueue({
    QUEUE_TICK_MS: '100',
    QUEUE_ACTIVE_IDLE_SECONDS: '1',
    QUEUE_DEFAULT_ACTIVE_TTL_SECONDS: '60',
    QUEUE_DEFAULT_MAX_ACTIVE: '2',
  });

  it('give their slot to the next fan long before their TTL; a fan who keeps polling keeps it', async () => {
    const c = q2.svc.client;
    const concert = randomUUID();
    const [lively, quiet, next] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await c.enqueue(concert, lively)).body.status).toBe('ACTIVE');
    expect((await c.enqueue(concert, quiet)).body.status).toBe('ACTIVE');
    expect((await c.enqueue(concert, next)).body).toMatchObject({ status: 'WAITING', position: 1 });

    const pollers = background(async () => {
      await Promise.all([c.status(concert, lively), c.status(concert, next)]);
    }, 200);
    try {
      await eventually(async () => expect((await c.status(concert, next)).body.status).toBe('ACTIVE'), { timeoutMs: 5000 });
      expect((await c.status(concert, quiet)).body.status).toBe('EXPIRED');
      expect((await c.status(concert, lively)).body.status).toBe('ACTIVE');
    } finally {
      await pollers.stop();
    }
    const text = await (await fetch(`${c.base}/metrics`)).text();
    expect(text).toMatch(/^queue_released_total\{[^}]*\} 1$/m);
  }, 30_000);
});
