import { randomUUID } from 'node:crypto';
import { createDb, enqueueEvent, startOutboxRelay, type OutboxRelay } from '../src';
import { eventually, sleep } from '@concert/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvelope } from './support/envelope';
import { outboxFixture, type OutboxFixture } from './support/outbox-fixture';

describe('outbox: commit publishes once, rollback publishes nothing', () => {
  let f: OutboxFixture;
  let relay: OutboxRelay;

  beforeAll(async () => {
    f = await outboxFixture({ topicPrefix: 'outbox_once', partitions: 6, applicationName: 'outbox-exactly-once-test' });
    // A long fallback poll proves the commit's NOTIFY is what wakes the relay.
    relay = startOutboxRelay({ pool: f.pool, schemaName: f.s.schemaName, publisher: await f.publisher(), pollIntervalMs: 60_000 });
    f.onClose(() => relay.stop());
  });
  afterAll(() => f?.close());

  it('publishes the committed event exactly once with its headers, and never the rolled-back one', async () => {
    const { s, pool, topic, received } = f;
    const db = createDb(pool, s.tables);
    const { items, outbox } = s.tables;
    await eventually(() => expect(relay.isLeader()).toBe(true));

    const committedId = randomUUID();
    const committed = testEnvelope('item-created', { itemId: committedId });
    await db.transaction(async (tx) => {
      await tx.insert(items).values({ id: committedId, name: 'kept' });
      await enqueueEvent(tx, outbox, {
        topic,
        key: committedId,
        aggregateType: 'item',
        envelope: committed,
        headers: { 'x-request-id': 'req-committed' },
      });
    });

    const rolledBackId = randomUUID();
    const rolledBack = testEnvelope('item-created', { itemId: rolledBackId });
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(items).values({ id: rolledBackId, name: 'discarded' });
        await enqueueEvent(tx, outbox, { topic, key: rolledBackId, aggregateType: 'item', envelope: rolledBack });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');

    await eventually(() => expect(received).toHaveLength(1), { timeoutMs: 20_000 });
    await sleep(1500); // a late duplicate or a leaked rollback would show up here
    expect(received).toHaveLength(1);

    const msg = received[0]!;
    expect(msg.key).toBe(committedId);
    expect(JSON.parse(msg.value)).toEqual(committed);
    expect(msg.headers).toMatchObject({
      'x-event-id': committed.eventId,
      'x-event-type': 'item-created',
      'x-request-id': 'req-committed',
    });

    const [row] = await db.select().from(outbox).where(eq(outbox.eventId, committed.eventId));
    expect(row?.status).toBe('SENT');
    // Woken by NOTIFY, not by the 60 s fallback poll.
    expect(row!.sentAt!.getTime() - row!.createdAt.getTime()).toBeLessThan(2000);
    expect(await db.select().from(outbox).where(eq(outbox.eventId, rolledBack.eventId))).toHaveLength(0);
    expect(await db.select().from(items).where(eq(items.id, rolledBackId))).toHaveLength(0);
    expect(await relay.lag()).toEqual({ pending: 0, dead: 0, oldestAgeMs: 0 });
  });
});
