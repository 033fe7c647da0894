import { describe, expect, it } from 'vitest';
import { EVENT_HEADERS, Reservation, TOPICS, schemaForTopic, type Topic } from '@concert/contracts';
import { createKafka, createKafkaSubscriber, deadLetterTopic, type IncomingMessage } from '@concert/messaging';
import { eventually, testKafkaBrokers } from '@concert/testing';
import {
  ALL_PRODUCED,
  internalToken,
  newUser,
  openConcert,
  parsed,
  paymentCompletedFor,
  eventedBooking,
} from './support';

const t = eventedBooking({ RESERVATION_HOLD_SECONDS: '3' });

const eventsOf = (topic: Topic, reservationId: string) =>
  t.events.of(topic).filter((m) => parsed(m).payload.reservationId === reservationId);

async function one(topic: Topic, reservationId: string) {
  await eventually(() => expect(eventsOf(topic, reservationId)).toHaveLength(1), { timeoutMs: 10_000 });
  return eventsOf(topic, reservationId)[0]!;
}

describe('events booking-service publishes', () => {
  it('seat-reserved, reservation-confirmed: valid, keyed by reservation id, with request id; the contract example payment confirms', async () => {
    const c = await openConcert(t.a);
    const user = newUser();
    const res = await fetch(`${t.svc.url}/internal/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': await internalToken(), 'x-request-id': `req-${t.ns.id}` },
      body: JSON.stringify({ userId: user, concertId: c.id, seatNumber: 4 }),
    });
    const r = Reservation.parse(await res.json());

    const reserved = await one(TOPICS.seatReserved, r.id);
    expect(reserved.key).toBe(r.id);
    expect(reserved.headers[EVENT_HEADERS.requestId]).toBe(`req-${t.ns.id}`);
    expect(reserved.headers[EVENT_HEADERS.eventType]).toBe('seat-reserved');
    expect(parsed(reserved).payload).toMatchObject({
      reservationId: r.id,
      concertId: c.id,
      seatNumber: 4,
      userId: user,
      price: c.price,
      reservedAt: r.reservedAt,
      reservedUntil: r.reservedUntil,
    });

    const payment = paymentCompletedFor(r, user);
    await t.pub.publish([{ topic: t.pub.topic, key: r.id, value: JSON.stringify(payment) }]);
    const confirmed = await one(TOPICS.reservationConfirmed, r.id);
    expect(parsed(confirmed).payload).toMatchObject({ reservationId: r.id, paymentId: payment.payload.paymentId, userId: user });

    const after = await t.a.get(`/internal/reservations/${r.id}?userId=${user}`);
    expect(after.body).toMatchObject({ status: 'CONFIRMED' });
    const seat = (await t.a.get(`/internal/concerts/${c.id}/seats`)).body.seats.find((s: { seatNumber: number }) => s.seatNumber === 4);
    expect(seat.status).toBe('RESERVED');
    // Confirmed before its deadline: the expiry finds nothing to do once the deadline passes.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(r.reservedUntil) - Date.now() + 1200)));
    expect((await t.a.get(`/internal/reservations/${r.id}?userId=${user}`)).body.status).toBe('CONFIRMED');
    expect(eventsOf(TOPICS.reservationExpired, r.id)).toHaveLength(0);
  });

  it('reservation-cancelled', async () => {
    const c = await openConcert(t.a);
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 1 })).body;
    expect((await t.a.delete(`/internal/reservations/${r.id}?userId=${user}`)).body.status).toBe('CANCELLED');
    expect(parsed(await one(TOPICS.reservationCancelled, r.id)).payload).toMatchObject({ reservationId: r.id, userId: user });
  });

  it('reservation-expired and payment-refund-requested (expired and unknown reservations)', async () => {
    const c = await openConcert(t.a);
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 2 })).body;
    await one(TOPICS.reservationExpired, r.id);
    await t.pub.publish([{ topic: t.pub.topic, key: r.id, value: JSON.stringify(paymentCompletedFor(r, user)) }]);
    expect(parsed(await one(TOPICS.paymentRefundRequested, r.id)).payload.reason).toBe('RESERVATION_EXPIRED');

    const ghost = { id: newUser(), concertId: c.id, price: '1.00' };
    await t.pub.publish([{ topic: t.pub.topic, key: ghost.id, value: JSON.stringify(paymentCompletedFor(ghost, user)) }]);
    expect(parsed(await one(TOPICS.paymentRefundRequested, ghost.id)).payload.reason).toBe('RESERVATION_NOT_FOUND');
  });

  it('a payment-completed that breaks the contract is parked on the dead-letter topic; the next one still confirms', async () => {
    const c = await openConcert(t.a);
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 3 })).body;
    const broken = { ...paymentCompletedFor(r, user), payload: { reservationId: r.id, amount: 12 } };
    const good = paymentCompletedFor(r, user);
    // Same key, same partition: the broken one comes first and must not hold the good one back.
    await t.pub.publish([
      { topic: t.pub.topic, key: r.id, value: JSON.stringify(broken) },
      { topic: t.pub.topic, key: r.id, value: JSON.stringify(good) },
    ]);
    expect(parsed(await one(TOPICS.reservationConfirmed, r.id)).payload.paymentId).toBe(good.payload.paymentId);

    const parked: IncomingMessage[] = [];
    const reader = createKafkaSubscriber(createKafka({ clientId: `dlq-${t.ns.id}`, brokers: await testKafkaBrokers() }));
    try {
      await reader.run({ groupId: `dlq-${t.ns.id}`, topics: [deadLetterTopic(t.pub.topic)], fromBeginning: true, handler: async (m) => void parked.push(m) });
      await eventually(() => expect(parked.map((m) => parsed(m).eventId)).toEqual([broken.eventId]), { timeoutMs: 15_000 });
    } finally {
      await reader.stop();
    }
    const metrics = await (await fetch(`${t.svc.url}/metrics`)).text();
    expect(metrics).toMatch(/dead_lettered_total\{[^}]*\} 1/);
  });

  it('every event published validates against libs/contracts', () => {
    expect(t.events.messages.length).toBeGreaterThanOrEqual(8);
    const seen = new Set<string>();
    for (const m of t.events.messages) {
      const topic = m.topic.slice(t.ns.topicPrefix.length);
      const schema = schemaForTopic(topic);
      expect(schema, topic).toBeDefined();
      const result = schema!.safeParse(JSON.parse(m.value));
      expect(result.success, `${topic}: ${result.error?.message}`).toBe(true);
      expect(m.headers[EVENT_HEADERS.eventId]).toBe(parsed(m).eventId);
      seen.add(topic);
    }
    expect([...seen].sort()).toEqual([...ALL_PRODUCED].sort());
  });
});
