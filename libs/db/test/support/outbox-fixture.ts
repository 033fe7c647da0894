import type { EventPublisher, EventSubscriber, IncomingMessage, KafkaClient } from '@concert/messaging';
import type pg from 'pg';
import { createPool } from '../../src';
import { collect, connectedPublisher, createTopic, deleteTopics, testKafka } from './kafka';
import { createTestSchema, type TestSchema } from './test-schema';

/**
 * What every outbox test stands on: a throwaway schema with the outbox tables, a pool, a fresh
 * topic and a collector reading it from the beginning. `close()` undoes it all, newest first.
 */
export interface OutboxFixture {
  s: TestSchema;
  pool: pg.Pool;
  kafka: KafkaClient;
  topic: string;
  received: IncomingMessage[];
  subscriber: EventSubscriber;
  /** A connected publisher, disconnected by close() after the onClose functions ran. */
  publisher(): Promise<EventPublisher>;
  /** Run by close() before the fixture's own teardown, last registered first. */
  onClose(fn: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export async function outboxFixture(o: { topicPrefix: string; partitions?: number; poolMax?: number; applicationName?: string }): Promise<OutboxFixture> {
  const s = await createTestSchema();
  const pool = createPool(s.url, { max: o.poolMax ?? 4, applicationName: o.applicationName });
  const kafka = await testKafka();
  const topic = await createTopic(kafka, o.topicPrefix, o.partitions ?? 3);
  const { received, subscriber } = await collect(kafka, [topic]);
  const closers: Array<() => Promise<unknown>> = [];
  const publishers: EventPublisher[] = [];
  return {
    s,
    pool,
    kafka,
    topic,
    received,
    subscriber,
    async publisher() {
      const p = await connectedPublisher(kafka);
      publishers.push(p);
      return p;
    },
    onClose: (fn) => void closers.push(fn),
    async close() {
      // Relays first, while their publishers are still connected.
      for (const fn of closers.reverse()) await fn().catch(() => undefined);
      await Promise.all(publishers.map((p) => p.disconnect().catch(() => undefined)));
      await subscriber.stop();
      await deleteTopics(kafka, [topic]).catch(() => undefined);
      await pool.end();
      await s.drop();
    },
  };
}
