import { randomUUID } from 'node:crypto';
import { consumeWithInbox, createDb, createPool, deleteOldInboxRows, markConsumed } from '../src';
import {
  createKafkaPublisher,
  PoisonMessage,
  createKafkaSubscriber,
  type EventPublisher,
  type EventSubscriber,
  type IncomingMessage,
  type KafkaClient,
} from '@concert/messaging';
import { eventually, uniqueName } from '@concert/testing';
import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { createTopic, deleteTopics, testKafka } from './support/kafka';
import { createTestSchema, type TestSchema } from './support/test-schema';

describe('inbox: idempotent consumer', () => {
  let s: TestSchema;
  let pool: pg.Pool;
  let kafka: KafkaClient;
  let topic: string;
  let publisher: EventPublisher;
  let subscriber: EventSubscriber;

  beforeAll(async () => {
    s = await createTestSchema('inbox_test');
    pool = createPool(s.url, { max: 6 });
    kafka = await testKafka();
    topic = await createTopic(kafka, 'inbox', 2);
    publisher = createKafkaPublisher(kafka);
    subscriber = createKafkaSubscriber(kafka);
  });

  afterAll(async () => {
    await subscriber?.stop();
    await publisher?.disconnect();
    await deleteTopics(kafka, [topic]).catch(() => undefined);
    await pool?.end();
    await s?.drop();
  });

  function incrementingHandler() {
    const db = createDb(pool, s.tables);
    const { counters, inbox } = s.tables;
    let calls = 0;
    const handler = consumeWithInbox({
      db,
      inbox,
      consumer: 'counter-projection',
      handler: async (tx, envelope) => {
        const id = String((envelope.payload as { counter: string }).counter);
        await tx
          .insert(counters)
          .values({ id, n: 1 })
          .onConflictDoUpdate({ target: counters.id, set: { n: sql`${counters.n} + 1` } });
      },
    });
    const counted = async (msg: IncomingMessage) => {
      calls++;
      await handler(msg);
    };
    const count = async (id: string) => (await db.select().from(counters).where(eq(counters.id, id)))[0]?.n ?? 0;
    return { handler: counted, calls: () => calls, count };
  }

  it('applies an event redelivered by Kafka only once', async () => {
    const { handler, calls, count } = incrementingHandler();
    const envelope = testEnvelope('counted', { counter: 'kafka' });
    const message = { topic, key: 'kafka', value: JSON.stringify(envelope) };
    // The same event published twice, as a relay retry after a lost ack would.
    await publisher.publish([message]);
    await publisher.publish([message]);
    await subscriber.run({ groupId: uniqueName('inbox'), topics: [topic], fromBeginning: true, handler });

    await eventually(() => expect(calls()).toBe(2), { timeoutMs: 20_000 });
    expect(await count('kafka')).toBe(1);
    expect(subscriber.healthy()).toBe(true);
  });

  it('applies concurrent duplicates once, and a different consumer sees the event afresh', async () => {
    const { handler, count } = incrementingHandler();
    const envelope = testEnvelope('counted', { counter: 'parallel' });
    const msg: IncomingMessage = { topic, partition: 0, offset: '0', key: 'k', value: JSON.stringify(envelope), headers: {} };
    await Promise.all(Array.from({ length: 5 }, () => handler(msg)));
    expect(await count('parallel')).toBe(1);

    const db = createDb(pool, s.tables);
    const other = await db.transaction((tx) => markConsumed(tx, s.tables.inbox, 'another-consumer', envelope.eventId));
    expect(other).toBe(true);
  });

  it('rolls the inbox row back with a failing effect, so a retry applies it', async () => {
    const db = createDb(pool, s.tables);
    const envelope = testEnvelope('counted', { counter: 'flaky' });
    const msg: IncomingMessage = { topic, partition: 0, offset: '1', key: 'k', value: JSON.stringify(envelope), headers: {} };
    let fail = true;
    const handler = consumeWithInbox({
      db,
      inbox: s.tables.inbox,
      consumer: 'flaky',
      handler: async (tx) => {
        await tx.insert(s.tables.counters).values({ id: 'flaky', n: 1 });
        if (fail) throw new Error('effect failed');
      },
    });
    await expect(handler(msg)).rejects.toThrow('effect failed');
    fail = false;
    await handler(msg);
    await handler(msg);
    expect((await db.select().from(s.tables.counters).where(eq(s.tables.counters.id, 'flaky')))[0]?.n).toBe(1);
  });

  it('refuses a message that is not an envelope or not JSON as poison, instead of skipping it', async () => {
    const { handler } = incrementingHandler();
    for (const value of ['{"hello":1}', 'not json']) {
      const msg: IncomingMessage = { topic, partition: 0, offset: '2', key: 'k', value, headers: {} };
      const err = await handler(msg).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PoisonMessage);
    }
    const notEnvelope = { topic, partition: 0, offset: '2', key: 'k', value: '{"hello":1}', headers: {} };
    await expect(handler(notEnvelope)).rejects.toThrow(/not an event envelope/);
  });
  it('retention: rows older than the retention are deleted, in chunks; recent ones stay', async () => {
    const { inbox } = s.tables;
    const db = createDb(pool, s.tables);
    const old = Array.from({ length: 5 }, () => randomUUID());
    const recent = randomUUID();
    await db.insert(inbox).values([
      ...old.map((eventId) => ({ consumer: 'retention', eventId, receivedAt: new Date(Date.now() - 8 * 24 * 3_600_000) })),
      { consumer: 'retention', eventId: recent },
    ]);
    expect(await deleteOldInboxRows(pool, inbox, 7 * 24, 2)).toBe(5);
    const left = await db.select({ eventId: inbox.eventId }).from(inbox).where(eq(inbox.consumer, 'retention'));
    expect(left).toEqual([{ eventId: recent }]);
  });
});
