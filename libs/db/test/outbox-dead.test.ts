import { createDb, enqueueEvent, redriveDead, startOutboxRelay, type OutboxRelay } from '../src';
import { eventually, sleep } from '@concert/testing';
import { asc, eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { outboxFixture, type OutboxFixture } from './support/outbox-fixture';

describe('outbox: dead rows', () => {
  let f: OutboxFixture;
  let relay: OutboxRelay;
  const registry = new Registry();

  beforeAll(async () => {
    f = await outboxFixture({ topicPrefix: 'outbox_dead' });
    f.onClose(() => relay?.stop());
  });
  afterAll(() => f?.close());

  it('marks a row DEAD after maxAttempts, holds that aggregate, lets others flow, and re-drives it', async () => {
    const { s, pool, topic, received } = f;
    const db = createDb(pool, s.tables);
    const { outbox } = s.tables;
    relay = startOutboxRelay({
      pool,
      schemaName: s.schemaName,
      publisher: await f.publisher(),
      maxAttempts: 3,
      backoffBaseMs: 50,
      backoffMaxMs: 100,
      pollIntervalMs: 100,
      registry,
    });

    // A topic name Kafka rejects outright (INVALID_TOPIC_EXCEPTION): a permanent failure for
    // this one aggregate while the broker itself is fine.
    const badTopic = 'not a valid topic!';
    const poisoned = testEnvelope('step', { seq: 0 });
    const behindPoisoned = testEnvelope('step', { seq: 1 });
    await db.transaction(async (tx) => {
      await enqueueEvent(tx, outbox, { topic: badTopic, key: 'agg-bad', aggregateType: 'thing', envelope: poisoned });
      await enqueueEvent(tx, outbox, { topic, key: 'agg-bad', aggregateType: 'thing', envelope: behindPoisoned });
    });
    const healthy = Array.from({ length: 20 }, (_, i) => testEnvelope('step', { seq: i }));
    for (const [i, env] of healthy.entries()) {
      await db.transaction((tx) => enqueueEvent(tx, outbox, { topic, key: `agg-${i % 4}`, aggregateType: 'thing', envelope: env }));
    }

    await eventually(() => expect(received.length).toBeGreaterThanOrEqual(healthy.length), { timeoutMs: 20_000 });
    await eventually(
      async () => {
        const [dead] = await db.select().from(outbox).where(eq(outbox.eventId, poisoned.eventId));
        expect(dead).toMatchObject({ status: 'DEAD', attempts: 3 });
        expect(dead?.lastError).toBeTruthy();
      },
      { timeoutMs: 20_000 },
    );
    await sleep(500);
    // The row behind the dead one must not overtake it.
    const [held] = await db.select().from(outbox).where(eq(outbox.eventId, behindPoisoned.eventId));
    expect(held).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(received.some((m) => m.key === 'agg-bad')).toBe(false);
    expect(new Set(received.map((m) => (JSON.parse(m.value) as { eventId: string }).eventId))).toEqual(
      new Set(healthy.map((e) => e.eventId)),
    );
    expect(await registry.getSingleMetricAsString('outbox_dead_total')).toContain(`schema="${s.schemaName}"} 1`);
    // What an operator alerts on: the rows in DEAD now (refreshed every few seconds).
    await eventually(
      async () => expect(await registry.getSingleMetricAsString('outbox_dead_rows')).toContain(`schema="${s.schemaName}"} 1`),
      { timeoutMs: 10_000 },
    );

    // Operator fixes the row (here: the topic) and re-drives it: both events flow, in order.
    await db.update(outbox).set({ topic }).where(eq(outbox.eventId, poisoned.eventId));
    expect(await redriveDead(pool, s.schemaName)).toBe(1);
    await eventually(() => expect(received.filter((m) => m.key === 'agg-bad')).toHaveLength(2), { timeoutMs: 10_000 });
    expect(received.filter((m) => m.key === 'agg-bad').map((m) => m.headers['x-event-id'])).toEqual([
      poisoned.eventId,
      behindPoisoned.eventId,
    ]);
    const statuses = await db.select({ status: outbox.status }).from(outbox).orderBy(asc(outbox.id));
    expect(statuses.every((r) => r.status === 'SENT')).toBe(true);
  });
});
