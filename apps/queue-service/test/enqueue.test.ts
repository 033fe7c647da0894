import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Problem, QueueEntry, QueueStats } from '@concert/contracts';
import { dropNamespace, ids, namespace, startQueue } from './helpers';

let svc: Awaited<ReturnType<typeof startQueue>>;
const ns = namespace();

beforeAll(async () => {
  svc = await startQueue(ns);
});
afterAll(async () => {
  await svc?.stop();
  await dropNamespace(ns);
});

describe('enqueue', () => {
  it('gives 1,000 concurrent arrivals the places 1..1000 exactly once, and the same place again on re-enqueue', async () => {
    const c = svc.client;
    const concert = randomUUID();
    // One slot, already taken by the first fan: nobody else can be admitted during the test.
    await c.policy(concert, { admitPerSecond: 1, maxActive: 1, activeTtlSeconds: 600 });
    const first = await c.enqueue(concert, randomUUID());
    expect(first.body).toMatchObject({ status: 'ACTIVE', position: 0, created: true });

    const users = ids(1000);
    const replies = await Promise.all(users.map((u) => c.enqueue(concert, u)));
    for (const r of replies) {
      expect(r.status).toBe(201);
      QueueEntry.parse(r.body);
      expect(r.body).toMatchObject({ status: 'WAITING', created: true, activeUntil: null });
    }
    const positions = replies.map((r) => r.body.position).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

    // The reported position is the place in line: status agrees, and re-enqueue keeps it.
    const sample = [0, 1, 499, 998, 999].map((i) => ({ user: users[i]!, position: replies[i]!.body.position }));
    for (const { user, position } of sample) {
      const again = await c.enqueue(concert, user);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'WAITING', position, created: false });
      expect((await c.status(concert, user)).body).toMatchObject({ status: 'WAITING', position });
    }
    // Every reported place is the fan's place in line.
    for (let i = 0; i < users.length; i += 200) {
      const polled = await Promise.all(users.slice(i, i + 200).map((u) => c.status(concert, u)));
      polled.forEach((p, j) => expect(p.body.position).toBe(replies[i + j]!.body.position));
    }
    // Concurrent re-enqueues change nothing.
    const again = await Promise.all(users.slice(0, 200).map((u) => c.enqueue(concert, u)));
    expect(again.every((r, i) => r.body.created === false && r.body.position === replies[i]!.body.position)).toBe(true);

    const stats = await c.stats(concert);
    expect(QueueStats.parse(stats.body)).toEqual({
      waiting: 1000,
      active: 1,
      admittedTotal: 1,
      admitPerSecond: 1,
      maxActive: 1,
      activeTtlSeconds: 600,
    });
  }, 60_000);

  it('returns the same ACTIVE slot to an admitted fan who enqueues again', async () => {
    const c = svc.client;
    const concert = randomUUID();
    const u = randomUUID();
    const a = await c.enqueue(concert, u);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ status: 'ACTIVE', position: 0, estimatedWaitSeconds: 0 });
    const b = await c.enqueue(concert, u);
    expect(b.status).toBe(200);
    expect(b.body).toEqual({ ...a.body, created: false });
  });

  it('keeps strict arrival order and reports an ETA that grows with the position', async () => {
    const c = svc.client;
    const concert = randomUUID();
    await c.policy(concert, { admitPerSecond: 2, maxActive: 1, activeTtlSeconds: 60 });
    await c.enqueue(concert, randomUUID());
    const users = ids(20);
    const etas: number[] = [];
    for (const [i, u] of users.entries()) {
      const r = await c.enqueue(concert, u);
      expect(r.body.position).toBe(i + 1);
      etas.push(r.body.estimatedWaitSeconds);
    }
    expect(etas[0]).toBeGreaterThan(0);
    expect([...etas].sort((a, b) => a - b)).toEqual(etas);
    // 0 free slots, turnover 1/60 per second: the 20th waits ~20 minutes
    expect(etas[19]).toBe(1200);
  });

  it('lets a fan leave; their place goes and the line closes up', async () => {
    const c = svc.client;
    const concert = randomUUID();
    await c.policy(concert, { admitPerSecond: 1, maxActive: 1, activeTtlSeconds: 600 });
    await c.enqueue(concert, randomUUID());
    const [a, b] = ids(2) as [string, string];
    await c.enqueue(concert, a);
    await c.enqueue(concert, b);
    expect((await c.leave(concert, a)).status).toBe(204);
    expect((await c.status(concert, a)).body.status).toBe('EXPIRED');
    expect((await c.status(concert, b)).body).toMatchObject({ status: 'WAITING', position: 1 });
    expect((await c.leave(concert, a)).status).toBe(204);
  });

  it('reports EXPIRED for a fan never seen', async () => {
    const r = await svc.client.status(randomUUID(), randomUUID());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ concertId: expect.any(String), userId: expect.any(String), status: 'EXPIRED', position: 0, estimatedWaitSeconds: 0, activeUntil: null });
  });
});

describe('policy, validation and guards', () => {
  it('stores a valid policy and returns the stats; rejects an invalid one with VALIDATION_FAILED', async () => {
    const c = svc.client;
    const concert = randomUUID();
    const ok = await c.policy(concert, { admitPerSecond: 7, maxActive: 70, activeTtlSeconds: 120 });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ waiting: 0, active: 0, admittedTotal: 0, admitPerSecond: 7, maxActive: 70, activeTtlSeconds: 120 });
    const bad = await c.policy(concert, { admitPerSecond: 0, maxActive: 70 });
    expect(bad.status).toBe(400);
    expect(Problem.parse(bad.body).code).toBe('VALIDATION_FAILED');
    expect((await c.stats(concert)).body.admitPerSecond).toBe(7);
  });

  it('uses the configured defaults for a concert without a policy', async () => {
    expect((await svc.client.stats(randomUUID())).body).toEqual({
      waiting: 0,
      active: 0,
      admittedTotal: 0,
      admitPerSecond: 50,
      maxActive: 500,
      activeTtlSeconds: 600,
    });
  });

  it('rejects bad ids and bodies with 400, a missing internal token with 403', async () => {
    const c = svc.client;
    expect((await c.enqueue('not-a-uuid', randomUUID())).status).toBe(400);
    expect((await c.enqueue(randomUUID(), 'nope')).status).toBe(400);
    expect((await c.status(randomUUID(), 'nope')).status).toBe(400);
    const forbidden = await c.call<unknown>('GET', `/internal/queues/${randomUUID()}/stats`, undefined, 'wrong-token-wrong-token');
    expect(forbidden.status).toBe(403);
    expect(Problem.parse(forbidden.body).code).toBe('FORBIDDEN');
  });

  it('serves health, readiness and the queue metrics', async () => {
    const base = svc.client.base;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { redis: 'ok', kafka: 'ok' } });
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['queue_waiting', 'queue_active', 'queue_admitted_total', 'queue_evicted_total', 'queue_completed_total', 'queue_tick_duration_seconds']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/queue_waiting\{[^}]*concert="[0-9a-f-]{36}"[^}]*\} 1000/);
  });
});
