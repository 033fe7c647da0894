import { describe, expect, it } from 'vitest';
import { TOPICS } from '@concert/contracts';
import { eventually, sleep } from '@concert/testing';
import { ALL_PRODUCED, eventedBooking, newUser, openConcert, parsed, paymentCompletedFor } from './support';

const t = eventedBooking();

const reservation = async (id: string, userId: string) => (await t.a.get(`/internal/reservations/${id}?userId=${userId}`)).body;
const ofReservation = (topic: (typeof ALL_PRODUCED)[number], id: string) =>
  t.events.of(topic).filter((m) => parsed(m).payload.reservationId === id);

describe('cancelling a concert', () => {
  it('cancels its holds, cancels and refunds its paid seats, releases every seat — once', async () => {
    const c = await openConcert(t.a, { totalSeats: 4, price: '70000.00' });
    const holder = newUser();
    const buyer = newUser();
    const hold = (await t.a.post('/internal/reservations', { userId: holder, concertId: c.id, seatNumber: 1 })).body;
    const sold = (await t.a.post('/internal/reservations', { userId: buyer, concertId: c.id, seatNumber: 2 })).body;
    const payment = paymentCompletedFor(sold, buyer);
    await t.pub.publish([{ topic: t.pub.topic, key: sold.id, value: JSON.stringify(payment) }]);
    await eventually(async () => expect((await reservation(sold.id, buyer)).status).toBe('CONFIRMED'), { timeoutMs: 10_000 });

    const res = await t.a.patch(`/internal/concerts/${c.id}`, { status: 'CANCELLED' });
    expect([res.status, res.body.status, res.body.availableSeats]).toEqual([200, 'CANCELLED', 4]);
    expect((await reservation(hold.id, holder)).status).toBe('CANCELLED');
    expect((await reservation(sold.id, buyer)).status).toBe('CANCELLED');
    const seats = (await t.a.get(`/internal/concerts/${c.id}/seats`)).body.seats as Array<{ status: string }>;
    expect(seats.map((s) => s.status)).toEqual(['AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE']);

    await eventually(() => expect(ofReservation(TOPICS.paymentRefundRequested, sold.id)).toHaveLength(1), { timeoutMs: 10_000 });
    expect(parsed(ofReservation(TOPICS.paymentRefundRequested, sold.id)[0]!).payload).toMatchObject({
      paymentId: payment.payload.paymentId,
      userId: buyer,
      amount: '70000.00',
      reason: 'RESERVATION_CANCELLED',
    });
    await eventually(() => {
      expect(ofReservation(TOPICS.reservationCancelled, hold.id)).toHaveLength(1);
      expect(ofReservation(TOPICS.reservationCancelled, sold.id)).toHaveLength(1);
    });
    expect(ofReservation(TOPICS.paymentRefundRequested, hold.id)).toHaveLength(0);

    // Saying it again changes nothing: no second round of events.
    expect((await t.a.patch(`/internal/concerts/${c.id}`, { status: 'CANCELLED' })).status).toBe(200);
    await sleep(1000);
    expect(ofReservation(TOPICS.paymentRefundRequested, sold.id)).toHaveLength(1);
    expect(ofReservation(TOPICS.reservationCancelled, hold.id)).toHaveLength(1);
  });

  it('holds racing the cancellation: each is either refused or ended by it, none survives', async () => {
    const seats = 40;
    const c = await openConcert(t.a, { totalSeats: seats });
    const users = Array.from({ length: seats }, () => newUser());
    const holds = users.map((userId, i) => t.a.post('/internal/reservations', { userId, concertId: c.id, seatNumber: i + 1 }));
    await sleep(5); // some holds are in their transaction when the cancellation arrives
    const cancel = t.a.patch(`/internal/concerts/${c.id}`, { status: 'CANCELLED' });
    const answers = await Promise.all(holds);
    expect((await cancel).status).toBe(200);
    for (const r of answers) expect([201, 409]).toContain(r.status);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'BOOKING_NOT_OPEN')).toBe(true);

    const { rows } = await t.svc.deps.db.$client.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from booking.reservations where concert_id = $1 group by status`,
      [c.id],
    );
    const held = answers.filter((r) => r.status === 201).length;
    expect(rows).toEqual(held > 0 ? [{ status: 'CANCELLED', n: held }] : []);
    const map = (await t.a.get(`/internal/concerts/${c.id}/seats`)).body.seats as Array<{ status: string }>;
    expect(map.every((s) => s.status === 'AVAILABLE')).toBe(true);
  });

  it('a payment that lands after the cancellation is refunded, not confirmed', async () => {
    const c = await openConcert(t.a, { totalSeats: 2 });
    const user = newUser();
    const r = (await t.a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 1 })).body;
    expect((await t.a.patch(`/internal/concerts/${c.id}`, { status: 'CANCELLED' })).status).toBe(200);
    await t.pub.publish([{ topic: t.pub.topic, key: r.id, value: JSON.stringify(paymentCompletedFor(r, user)) }]);
    await eventually(() => expect(ofReservation(TOPICS.paymentRefundRequested, r.id)).toHaveLength(1), { timeoutMs: 10_000 });
    expect((await reservation(r.id, user)).status).toBe('CANCELLED');
  });
});
