import { createDb, enqueueEvent, startOutboxRelay, type OutboxRelay } from '../src';
import {
  createKafka,
  createKafkaPublisher,
  type EventPublisher,
} from '@concert/messaging';
import { eventually } from '@concert/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { outboxFixture, type OutboxFixture } from './support/outbox-fixture';

describe('outbox: broker unreachable', () => {
  let f: OutboxFixture;

  beforeAll(async () => {
    f = await outboxFixture({ topicPrefix: 'outbox_broker_down' });
  });
  afterAll(() => f?.close());

  it('keeps rows PENDING (never DEAD) with growing attempts, then delivers them all in order once Kafka is reachable', async () => {
    const { s, pool, topic, received } = f;
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
    f.onClose(() => failing.stop());

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

    const working = startOutboxRelay({ pool, schemaName: s.schemaName, publisher: await f.publisher(), pollIntervalMs: 100 });
    f.onClose(() => working.stop());

    await eventually(() => expect(received).toHaveLength(6), { timeoutMs: 20_000 });
    for (const key of ['agg-0', 'agg-1']) {
      const seqs = received
        .filter((m) => m.key === key)
        .map((m) => (JSON.parse(m.value) as { payload: { seq: number } }).payload.seq);
      expect(seqs).toEqual(events.filter((e) => e.key === key).map((e) => e.env.payload.seq));
    }
    // The relay marks a row SENT after the broker's ack, so a consumer can see the event first.
    await eventually(async () => expect((await db.select().from(outbox)).every((r) => r.status === 'SENT')).toBe(true), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });
});
