import { createDb, createPool, enqueueEvent, startOutboxRelay, type OutboxRelay } from '../src';
import {
  createKafka,
  createKafkaPublisher,
  type EventPublisher,
  type EventSubscriber,
  type IncomingMessage,
  type KafkaClient,
} from '@concert/messaging';
import { eventually } from '@concert/testing';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { collect, connectedPublisher, createTopic, deleteTopics, testKafka } from './support/kafka';
import { createTestSchema, type TestSchema } from './support/test-schema';

describe('outbox: broker unreachable', () => {
  let s: TestSchema;
  let pool: pg.Pool;
  let kafka: KafkaClient;
  let topic: string;
  let subscriber: EventSubscriber;
  let received: IncomingMessage[];
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    s = await createTestSchema();
    pool = createPool(s.url, { max: 4 });
    kafka = await testKafka();
    topic = await createTopic(kafka, 'outbox_broker_down', 3);
    ({ received, subscriber } = await collect(kafka, [topic]));
  });

  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    await subscriber?.stop();
    await deleteTopics(kafka, [topic]).catch(() => undefined);
    await pool?.end();
    await s?.drop();
  });

  it('keeps rows PENDING (never DEAD) with growing attempts, then delivers them all in order once Kafka is reachable', async () => {
    const db = createDb(pool, s.tables);
    const { outbox } = s.tables;
    // Nothing listens on port 1: every publish fails the way a dead broker does (connection refused).
    const unreachable = createKafka({
      clientId: 'unreachable',
      logger: pino({ level: 'silent' }), // the connection errors are the point here, not noise to read
      brokers: ['127.0.0.1:1'],
      connectionTimeoutMs: 200,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    });
    const deadPublisher: EventPublisher = createKafkaPublisher(unreachable, { retries: 1 });
    const failing: OutboxRelay = startOutboxRelay({
      pool,
      schemaName: s.schemaName,
      publisher: deadPublisher,
      // Far fewer than the attempts below: an unreachable broker must never make a row DEAD.
      maxAttempts: 2,
      backoffBaseMs: 50,
      backoffMaxMs: 200,
      pollIntervalMs: 100,
    });
    cleanup.push(() => failing.stop());

    const events = Array.from({ length: 6 }, (_, i) => ({ key: `agg-${i % 2}`, env: testEnvelope('step', { seq: i }) }));
    for (const e of events) {
      await db.transaction((tx) => enqueueEvent(tx, outbox, { topic, key: e.key, aggregateType: 'thing', envelope: e.env }));
    }

    await eventually(
      async () => {
        const rows = await db.select().from(outbox);
        expect(rows.every((r) => r.status === 'PENDING')).toBe(true);
        const heads = rows.filter((r) => r.attempts > 0);
        // Only the head row of each aggregate is tried; the rows behind it wait their turn.
        expect(heads.map((r) => r.aggregateid).sort()).toEqual(['agg-0', 'agg-1']);
        expect(Math.min(...heads.map((r) => r.attempts))).toBeGreaterThanOrEqual(3);
        expect(heads.every((r) => r.lastError)).toBe(true);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect((await failing.lag()).pending).toBe(6);
    await failing.stop();

    const publisher = await connectedPublisher(kafka);
    cleanup.push(() => publisher.disconnect());
    const working = startOutboxRelay({ pool, schemaName: s.schemaName, publisher, pollIntervalMs: 100 });
    cleanup.push(() => working.stop());

    await eventually(() => expect(received).toHaveLength(6), { timeoutMs: 20_000 });
    for (const key of ['agg-0', 'agg-1']) {
      const seqs = received
        .filter((m) => m.key === key)
        .map((m) => (JSON.parse(m.value) as { payload: { seq: number } }).payload.seq);
      expect(seqs).toEqual(events.filter((e) => e.key === key).map((e) => e.env.payload.seq));
    }
    expect((await db.select().from(outbox)).every((r) => r.status === 'SENT')).toBe(true);
  });
});
