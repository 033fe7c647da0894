import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EXAMPLE_EVENTS, TOPICS, schemaForTopic, topicName, type Topic } from '@concert/contracts';
import { eventually } from '@concert/testing';
import { charge, dbPool, eventedPayment, newPrefix, newUser, projectionStatus } from './support';

/**
 * Payment-service against libs/contracts: what it publishes validates against the catalog's
 * schema for the topic, and it accepts the canonical examples of what it consumes.
 */
const prefix = newPrefix();
const pool = dbPool();

const consumed = (Object.keys(EVENT_CATALOG) as Topic[]).filter((t) =>
  (EVENT_CATALOG[t].consumers as readonly string[]).includes('payment-service'),
);
const produced = (Object.keys(EVENT_CATALOG) as Topic[]).filter((t) => EVENT_CATALOG[t].producer === 'payment-service');

afterAll(() => pool.end());
const t = eventedPayment(prefix, { collect: produced });

/** An example event with fresh ids, so runs never collide with each other or the inbox. */
function example<T extends Topic>(topic: T, ids: { reservationId: string; userId: string; paymentId?: string; reservedUntil?: string }) {
  const e = structuredClone(EXAMPLE_EVENTS[topic]) as unknown as { eventId: string; payload: Record<string, unknown> };
  e.eventId = randomUUID();
  e.payload.reservationId = ids.reservationId;
  e.payload.userId = ids.userId;
  if ('concertId' in e.payload) e.payload.concertId = randomUUID();
  if ('seatId' in e.payload) e.payload.seatId = randomUUID();
  if ('paymentId' in e.payload && ids.paymentId) e.payload.paymentId = ids.paymentId;
  if ('reservedUntil' in e.payload && ids.reservedUntil) e.payload.reservedUntil = ids.reservedUntil;
  expect(schemaForTopic(topic)!.safeParse(e).success).toBe(true);
  return e as typeof e & { payload: { reservationId: string } };
}

describe('consumed events (EXAMPLE_EVENTS with fresh ids)', () => {
  it('covers every topic the catalog says payment-service consumes', () => {
    expect(consumed.sort()).toEqual(
      [TOPICS.seatReserved, TOPICS.reservationExpired, TOPICS.reservationCancelled, TOPICS.paymentRefundRequested].sort(),
    );
  });

  it(`${TOPICS.seatReserved}: the hold becomes payable`, async () => {
    const u = await newUser(t.call);
    const e = example(TOPICS.seatReserved, { reservationId: randomUUID(), userId: u.id, reservedUntil: new Date(Date.now() + 60_000).toISOString() });
    await t.feeder.send(TOPICS.seatReserved, e);
    await eventually(async () => expect(await projectionStatus(pool, e.payload.reservationId)).toBe('TEMPORARILY_RESERVED'), { timeoutMs: 20_000 });
  });

  it.each([
    [TOPICS.reservationExpired, 'EXPIRED'],
    [TOPICS.reservationCancelled, 'CANCELLED'],
  ] as const)('%s: the hold ends', async (topic, status) => {
    const e = example(topic, { reservationId: randomUUID(), userId: randomUUID() });
    await t.feeder.send(topic, e);
    await eventually(async () => expect(await projectionStatus(pool, e.payload.reservationId)).toBe(status), { timeoutMs: 20_000 });
  });

  it('an event that breaks its contract is parked (dead_lettered_total), not recorded, and the next one is applied', async () => {
    const u = await newUser(t.call);
    const good = example(TOPICS.seatReserved, { reservationId: randomUUID(), userId: u.id, reservedUntil: new Date(Date.now() + 60_000).toISOString() });
    const broken = { ...structuredClone(good), eventId: randomUUID(), payload: { ...good.payload, price: 120000 } };
    await t.feeder.send(TOPICS.seatReserved, broken);
    await t.feeder.send(TOPICS.seatReserved, good);
    await eventually(async () => expect(await projectionStatus(pool, good.payload.reservationId)).toBe('TEMPORARILY_RESERVED'), { timeoutMs: 20_000 });
    await eventually(async () => expect(await (await fetch(`${t.svc.url}/metrics`)).text()).toMatch(/dead_lettered_total\{[^}]*seat-reserved[^}]*\} 1/), {
      timeoutMs: 10_000,
    });
    const { rows } = await pool.query('select 1 from payment.inbox where event_id = $1', [broken.eventId]);
    expect(rows).toEqual([]); // parked, not "consumed": an operator can re-drive it once fixed
  });

  it(`${TOPICS.paymentRefundRequested}: the payment is refunded`, async () => {
    const u = await newUser(t.call);
    await charge(t.call, u.id, '200000');
    const hold = example(TOPICS.seatReserved, { reservationId: randomUUID(), userId: u.id, reservedUntil: new Date(Date.now() + 60_000).toISOString() });
    await t.feeder.send(TOPICS.seatReserved, hold);
    await eventually(async () => expect(await projectionStatus(pool, hold.payload.reservationId)).toBe('TEMPORARILY_RESERVED'), { timeoutMs: 20_000 });
    const paid = await t.call<{ id: string }>('POST', '/internal/payments', {
      body: { userId: u.id, reservationId: hold.payload.reservationId },
      idempotencyKey: randomUUID(),
    });
    expect(paid.status).toBe(201);
    const e = example(TOPICS.paymentRefundRequested, { reservationId: hold.payload.reservationId, userId: u.id, paymentId: paid.body.id });
    await t.feeder.send(TOPICS.paymentRefundRequested, e);
    await eventually(
      async () => expect((await t.call<{ status: string }>('GET', `/internal/payments/${paid.body.id}?userId=${u.id}`)).body.status).toBe('REFUNDED'),
      { timeoutMs: 20_000 },
    );
  });
});

describe('produced events (consumed from Kafka, validated with schemaForTopic)', () => {
  it('every produced event matches its schema, the example shape, and carries key and headers', async () => {
    expect(produced.sort()).toEqual([TOPICS.paymentCompleted, TOPICS.paymentRefunded].sort());
    const seen = new Set<string>();
    await eventually(
      () => {
        for (const topic of produced) {
          const msgs = t.collector.messages.filter((m) => m.topic === topicName(topic, prefix));
          expect(msgs.length).toBeGreaterThan(0);
          for (const m of msgs) {
            const envelope = JSON.parse(m.value) as { eventId: string; type: string; payload: Record<string, unknown> };
            const parsed = schemaForTopic(topic)!.safeParse(envelope);
            expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
            expect(Object.keys(envelope.payload).sort()).toEqual(Object.keys(EXAMPLE_EVENTS[topic].payload).sort());
            expect(envelope.type).toBe(EXAMPLE_EVENTS[topic].type);
            expect(m.key).toBe(envelope.payload.reservationId);
            expect(m.headers['x-event-id']).toBe(envelope.eventId);
            expect(m.headers['x-event-type']).toBe(envelope.type);
            seen.add(topic);
          }
        }
      },
      { timeoutMs: 20_000 },
    );
    expect([...seen].sort()).toEqual(produced.sort());
  });
});
