import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep } from '@concert/testing';
import { background, dropNamespace, ids, namespace, startQueue, type Client } from './helpers';

/**
 * Two replicas on one Redis: whichever ticks, admissions stay within admitPerSecond per
 * 1-second window and maxActive at any time, in arrival order.
 */
let a: Awaited<ReturnType<typeof startQueue>>;
let b: Awaited<ReturnType<typeof startQueue>>;
const ns = namespace();

beforeAll(async () => {
  [a, b] = await Promise.all([startQueue(ns, { QUEUE_TICK_MS: '100' }), startQueue(ns, { QUEUE_TICK_MS: '100' })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await dropNamespace(ns);
});

const APS = 3;
const MAX_ACTIVE = 7;
const TTL = 600;

async function leaderOf(c: Client): Promise<boolean> {
  const text = await (await fetch(`${c.base}/metrics`)).text();
  return /^queue_ticker_leader\{[^}]*\} 1$/m.test(text);
}

describe('admission with two replicas', () => {
  it('never admits more than admitPerSecond per second nor more than maxActive at once, in FIFO order', async () => {
    const concert = randomUUID();
    await a.client.policy(concert, { admitPerSecond: APS, maxActive: MAX_ACTIVE, activeTtlSeconds: TTL });
    const users = ids(25);
    const admittedAt = new Map<string, number>();
    let clients = [a.client, b.client];
    let maxActiveSeen = 0;

    // Fans poll through both replicas; the first ACTIVE answer tells when they were admitted.
    const poller = background(async () => {
      const replies = await Promise.all(users.map((u, i) => clients[i % 2]!.status(concert, u)));
      replies.forEach((r, i) => {
        if (r.body.status === 'ACTIVE' && !admittedAt.has(users[i]!))
          admittedAt.set(users[i]!, Date.parse(r.body.activeUntil!) - TTL * 1000);
      });
      const stats = await clients[Math.floor(Math.random() * 2)]!.stats(concert);
      maxActiveSeen = Math.max(maxActiveSeen, stats.body.active);
    }, 40);
    try {
      for (const [i, u] of users.entries()) {
        const r = await clients[i % 2]!.enqueue(concert, u);
        expect(r.status).toBe(201);
      }

      // Fill every slot, then hold: the 8th fan must not get in while 7 are active.
      await eventually(async () => expect((await a.client.stats(concert)).body.active).toBe(MAX_ACTIVE), { timeoutMs: 10_000 });
      await sleep(1200);
      expect((await b.client.stats(concert)).body).toMatchObject({ active: MAX_ACTIVE, waiting: 25 - MAX_ACTIVE, admittedTotal: MAX_ACTIVE });

      // Five fans finish: five more get in, still at most APS per second.
      const firstSeven = [...admittedAt.keys()];
      expect(firstSeven.length).toBe(MAX_ACTIVE);
      for (const [i, u] of firstSeven.slice(0, 5).entries()) expect((await clients[i % 2]!.complete(concert, u)).status).toBe(204);
      await eventually(async () => expect((await a.client.stats(concert)).body.admittedTotal).toBe(12), { timeoutMs: 10_000 });

      // The leader stops: the other replica takes the lease over and keeps admitting.
      const [aLeads, bLeads] = [await leaderOf(a.client), await leaderOf(b.client)];
      expect(Number(aLeads) + Number(bLeads)).toBe(1);
      const survivor = aLeads ? b : a;
      clients = [survivor.client, survivor.client];
      const seen = poller.rounds;
      await eventually(() => expect(poller.rounds).toBeGreaterThan(seen + 1));
      await (aLeads ? a : b).stop();
      for (const u of [...admittedAt.keys()].slice(5, 8)) await survivor.client.complete(concert, u);
      await eventually(async () => expect((await survivor.client.stats(concert)).body.admittedTotal).toBe(15), { timeoutMs: 10_000 });
      expect(await leaderOf(survivor.client)).toBe(true);
      await sleep(300);
    } finally {
      await poller.stop();
    }

    expect(maxActiveSeen).toBeLessThanOrEqual(MAX_ACTIVE);
    expect(maxActiveSeen).toBe(MAX_ACTIVE);
    // FIFO: exactly the first 15 arrivals were admitted, each no earlier than the one before.
    const times = users.map((u) => admittedAt.get(u));
    expect(times.slice(0, 15).every((t) => t !== undefined)).toBe(true);
    expect(times.slice(15).every((t) => t === undefined)).toBe(true);
    for (let i = 1; i < 15; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    // Per 1-second window of the Redis clock, never more than admitPerSecond.
    const perSecond = new Map<number, number>();
    for (const t of times.slice(0, 15)) perSecond.set(Math.floor(t! / 1000), (perSecond.get(Math.floor(t! / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(APS);
    // ... and the budget was used: at least one full window.
    expect(Math.max(...perSecond.values())).toBe(APS);
  }, 60_000);
});
