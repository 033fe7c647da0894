import { createDb, enqueueEvent, startOutboxRelay, type OutboxRelay } from '../src';
import { eventually, waitFor } from '@concert/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { outboxFixture, type OutboxFixture } from './support/outbox-fixture';

const AGGREGATES = 50;
const EVENTS_PER_AGGREGATE = 20;

describe('outbox: two relay replicas', () => {
  let f: OutboxFixture;
  let relays: OutboxRelay[];
  const registry = new Registry();

  beforeAll(async () => {
    f = await outboxFixture({ topicPrefix: 'outbox_two_relays', partitions: 6, poolMax: 20 });
    const publishers = [await f.publisher(), await f.publisher()];
    relays = publishers.map((publisher) =>
      startOutboxRelay({ pool: f.pool, schemaName: f.s.schemaName, publisher, batchSize: 100, leaseRetryMs: 200, registry }),
    );
    f.onClose(() => Promise.all(relays.map((r) => r.stop())));
  });
  afterAll(() => f?.close());

  it('delivers 1,000 events over 50 aggregates exactly once, in order per aggregate, across a leader handover', async () => {
    const { s, pool, topic, received } = f;
    const db = createDb(pool, s.tables);
    await waitFor(() => relays.some((r) => r.isLeader()));
    expect(relays.filter((r) => r.isLeader())).toHaveLength(1);

    // Each aggregate writes its events one transaction at a time (as a locked business row would
    // force); the 50 aggregates write concurrently.
    const writeAggregate = async (a: number, from: number, to: number) => {
      for (let seq = from; seq < to; seq++) {
        await db.transaction(async (tx) => {
          await enqueueEvent(tx, s.tables.outbox, {
            topic,
            key: `agg-${a}`,
            aggregateType: 'reservation',
            envelope: testEnvelope('step', { aggregate: a, seq }),
          });
        });
      }
    };
    const half = EVENTS_PER_AGGREGATE / 2;
    await Promise.all(Array.from({ length: AGGREGATES }, (_, a) => writeAggregate(a, 0, half)));

    // Graceful stop of the leader mid-stream: the standby must take over with no gap and no duplicate.
    const leader = relays.find((r) => r.isLeader())!;
    const writing = Promise.all(Array.from({ length: AGGREGATES }, (_, a) => writeAggregate(a, half, EVENTS_PER_AGGREGATE)));
    await leader.stop();
    await writing;
    await waitFor(() => relays.some((r) => r !== leader && r.isLeader()), { timeoutMs: 5000 });

    const total = AGGREGATES * EVENTS_PER_AGGREGATE;
    await eventually(() => expect(received.length).toBeGreaterThanOrEqual(total), { timeoutMs: 30_000 });

    const perEventId = new Map<string, number>();
    const lastSeqPerKey = new Map<string, number>();
    for (const msg of received) {
      const env = JSON.parse(msg.value) as { eventId: string; payload: { seq: number } };
      perEventId.set(env.eventId, (perEventId.get(env.eventId) ?? 0) + 1);
      const prev = lastSeqPerKey.get(msg.key!) ?? -1;
      expect(env.payload.seq, `order of ${msg.key}`).toBe(prev + 1);
      lastSeqPerKey.set(msg.key!, env.payload.seq);
    }
    expect(perEventId.size).toBe(total);
    expect([...perEventId.values()].every((n) => n === 1)).toBe(true);
    expect(lastSeqPerKey.size).toBe(AGGREGATES);
    expect(await relays[1]!.lag()).toMatchObject({ pending: 0 });

    const published = await registry.getSingleMetricAsString('outbox_published_total');
    expect(published).toContain(`outbox_published_total{schema="${s.schemaName}"} ${total}`);
  });
});
