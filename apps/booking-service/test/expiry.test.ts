import { describe, expect, it } from 'vitest';
import { TOPICS } from '@concert/contracts';
import { eventually, sleep } from '@concert/testing';
import {
  ALL_PRODUCED,
  newUser,
  openConcert,
  parsed,
  paymentCompletedFor,
  api,
  eventedBooking,
  startBooking,
} from './support';

// Sweeper off: the delayed BullMQ job alone must expire on time.
const t = eventedBooking({ RESERVATION_HOLD_SECONDS: '2', SWEEP_INTERVAL_MS: '0' });

const seatStatus = async (concertId: string, n: number) =>
  (await t.a.get(`/internal/concerts/${concertId}/seats`)).body.seats.find((s: { seatNumber: number }) => s.seatNumber === n)
    .status as string;

const eventsFor = (topic: (typeof ALL_PRODUCED)[number], reservationId: string) =>
  t.events.of(topic).filter((m) => parsed(m).payload.reservationId === reservationId);

describe('hold expiry', () => {
  it('expires on time through its delayed job: seat back within a second, event published', async () => {
    const c = await openConcert(t.a, { totalSeats: 3 });
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 1 })).body;
    expect(await seatStatus(c.id, 1)).toBe('TEMPORARILY_RESERVED');
    const deadline = Date.parse(r.reservedUntil);
    expect(deadline - Date.parse(r.reservedAt)).toBe(2000);

    await eventually(async () => expect(await seatStatus(c.id, 1)).toBe('AVAILABLE'), { timeoutMs: 5000, intervalMs: 20 });
    const lateness = Date.now() - deadline;
    expect(lateness).toBeLessThan(1000);
    expect(lateness).toBeGreaterThan(-50); // never before the deadline

    const after = await t.a.get(`/internal/reservations/${r.id}?userId=${user}`);
    expect(after.body.status).toBe('EXPIRED');
    await eventually(() => expect(eventsFor(TOPICS.reservationExpired, r.id)).toHaveLength(1), { timeoutMs: 5000 });
    expect(parsed(eventsFor(TOPICS.reservationExpired, r.id)[0]!).payload).toMatchObject({
      reservationId: r.id,
      concertId: c.id,
      seatNumber: 1,
      userId: user,
    });
    // The seat can be held again.
    expect((await t.a.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 1 })).status).toBe(201);
  });

  it('a payment for an expired hold does not confirm it: one refund request, even delivered twice', async () => {
    const c = await openConcert(t.a, { totalSeats: 3, price: '55000.50' });
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 2 })).body;
    await eventually(async () => expect((await t.a.get(`/internal/reservations/${r.id}?userId=${user}`)).body.status).toBe('EXPIRED'), {
      timeoutMs: 5000,
    });

    const payment = paymentCompletedFor(r, user);
    const message = { topic: t.pub.topic, key: r.id, value: JSON.stringify(payment) };
    await t.pub.publish([message]);
    await t.pub.publish([message]); // redelivery

    await eventually(() => expect(eventsFor(TOPICS.paymentRefundRequested, r.id)).toHaveLength(1), { timeoutMs: 10_000 });
    expect(parsed(eventsFor(TOPICS.paymentRefundRequested, r.id)[0]!).payload).toMatchObject({
      reservationId: r.id,
      paymentId: payment.payload.paymentId,
      userId: user,
      amount: '55000.50',
      reason: 'RESERVATION_EXPIRED',
    });
    await sleep(1500); // room for a second (wrong) refund to show up
    expect(eventsFor(TOPICS.paymentRefundRequested, r.id)).toHaveLength(1);
    expect(eventsFor(TOPICS.reservationConfirmed, r.id)).toHaveLength(0);
    expect((await t.a.get(`/internal/reservations/${r.id}?userId=${user}`)).body.status).toBe('EXPIRED');
    expect(await seatStatus(c.id, 2)).toBe('AVAILABLE');
  });
});

describe('expiry sweeper (no delayed jobs)', () => {
  it('expires a hold whose job never runs within about a second', async () => {
    const ns2 = { ...t.ns, groupId: `${t.ns.groupId}-sweeper` };
    const sweeperOnly = await startBooking(ns2, {
      RESERVATION_HOLD_SECONDS: '1',
      EXPIRY_WORKER: 'false',
      BULLMQ_PREFIX: `{tb${t.ns.id}-nojobs}`,
    });
    try {
      const b = api(sweeperOnly.url);
      const c = await openConcert(b, { totalSeats: 2 });
      const user = newUser();
      const r = (await b.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 2 })).body;
      await eventually(
        async () => expect((await b.get(`/internal/reservations/${r.id}?userId=${user}`)).body.status).toBe('EXPIRED'),
        { timeoutMs: 5000, intervalMs: 20 },
      );
      expect(Date.now() - Date.parse(r.reservedUntil)).toBeLessThan(1500);
      const metrics = await (await fetch(`${sweeperOnly.url}/metrics`)).text();
      expect(metrics).toMatch(/expiries_total\{[^}]*source="sweeper"[^}]*\} [1-9]/);
    } finally {
      await sweeperOnly.stop();
    }
  });
});
