import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '@concert/messaging';
import { sleep } from '@concert/testing';
import { paymentCompletedHandler } from '../src/entry-points/messaging/payment-completed.consumer';
import type { RunningBookingService } from '../src/start';
import { expireHolds } from '../src/use-cases/expiry';
import { api, newUser, openConcert, paymentCompletedFor, startBooking, testNamespace, type Api } from './support';

const ns = testNamespace();
let svc: RunningBookingService;
let a: Api;

beforeAll(async () => {
  // No job worker, no sweeper: the test itself decides when expiry and payment run.
  svc = await startBooking(ns, { RESERVATION_HOLD_SECONDS: '1', SWEEP_INTERVAL_MS: '0', EXPIRY_WORKER: 'false' });
  a = api(svc.url);
});

afterAll(async () => {
  await svc?.stop();
});

const message = (value: unknown, key: string): IncomingMessage => ({
  topic: 'payment-completed',
  partition: 0,
  offset: '0',
  key,
  value: JSON.stringify(value),
  headers: {},
});

async function stateOf(reservationId: string) {
  const q = svc.deps.db.$client;
  const { rows } = await q.query(
    `select r.status, s.status as seat_status from booking.reservations r join booking.seats s on s.id = r.seat_id where r.id = $1`,
    [reservationId],
  );
  const { rows: events } = await q.query(`select type, payload from booking.outbox where aggregateid = $1 order by id`, [
    reservationId,
  ]);
  return {
    status: rows[0].status as string,
    seat: rows[0].seat_status as string,
    events: (events as Array<{ type: string; payload: { payload: { reason?: string } } }>).map((e) =>
      e.type === 'payment-refund-requested' ? `${e.type}:${e.payload.payload.reason}` : e.type,
    ),
  };
}

/** Every seat of a new concert held at once, each by its own fan. */
async function holdSeats(n: number) {
  const c = await openConcert(a, { totalSeats: n });
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const userId = newUser();
      const r = await a.post('/internal/reservations', { userId, concertId: c.id, seatNumber: i + 1 });
      expect(r.status).toBe(201);
      return { r: r.body, userId };
    }),
  );
}

describe('payment at the deadline vs expiry', () => {
  it('exactly one of the two transitions wins for every hold, and the loser leaves no trace but a refund', async () => {
    const holds = await holdSeats(30);
    await sleep(1100); // every hold is now past its deadline, none expired yet

    const handle = paymentCompletedHandler(svc.deps);
    await Promise.all(
      holds.flatMap(({ r, userId }, i) => [
        sleep(i % 3).then(() => expireHolds(svc.deps, { source: 'job', reservationId: r.id })),
        sleep((i + 1) % 3).then(() => handle(message(paymentCompletedFor(r, userId), r.id))),
      ]),
    );

    const outcomes = { confirmed: 0, expired: 0 };
    for (const { r } of holds) {
      const s = await stateOf(r.id);
      if (s.status === 'CONFIRMED') {
        outcomes.confirmed++;
        expect(s).toEqual({ status: 'CONFIRMED', seat: 'RESERVED', events: ['seat-reserved', 'reservation-confirmed'] });
      } else {
        outcomes.expired++;
        expect(s.status).toBe('EXPIRED');
        expect(s.seat).toBe('AVAILABLE');
        expect([...s.events].sort()).toEqual(
          ['payment-refund-requested:RESERVATION_EXPIRED', 'reservation-expired', 'seat-reserved'].sort(),
        );
      }
    }
    expect(outcomes.confirmed + outcomes.expired).toBe(30);
    console.info("race outcomes (both must stay consistent; the split varies):", outcomes);

    // Running both again changes nothing.
    const before = await Promise.all(holds.map(({ r }) => stateOf(r.id)));
    await expireHolds(svc.deps, { source: 'sweeper' });
    const after = await Promise.all(holds.map(({ r }) => stateOf(r.id)));
    expect(after).toEqual(before);
  });

  it('a payment that lands after the deadline but before the expiry still confirms', async () => {
    const c = await openConcert(a, { totalSeats: 1 });
    const userId = newUser();
    const r = (await a.post('/internal/reservations', { userId, concertId: c.id, seatNumber: 1 })).body;
    await sleep(1100);
    expect(Date.now()).toBeGreaterThan(Date.parse(r.reservedUntil));
    await paymentCompletedHandler(svc.deps)(message(paymentCompletedFor(r, userId), r.id));
    expect(await stateOf(r.id)).toEqual({
      status: 'CONFIRMED',
      seat: 'RESERVED',
      events: ['seat-reserved', 'reservation-confirmed'],
    });
    // A later expiry attempt finds nothing to do.
    expect(await expireHolds(svc.deps, { source: 'job', reservationId: r.id })).toEqual([]);
    const confirmed = await a.get(`/internal/reservations/${r.id}?userId=${userId}`);
    expect(confirmed.body.status).toBe('CONFIRMED');
    expect(confirmed.body.confirmedAt).not.toBeNull();
  });

  it('a payment redelivered under the same event id, or repeated under a new one, confirms once', async () => {
    const c = await openConcert(a, { totalSeats: 1 });
    const userId = newUser();
    const r = (await a.post('/internal/reservations', { userId, concertId: c.id, seatNumber: 1 })).body;
    const event = paymentCompletedFor(r, userId);
    const handle = paymentCompletedHandler(svc.deps);
    await Promise.all([handle(message(event, r.id)), handle(message(event, r.id))]);
    await handle(message({ ...event, eventId: randomUUID() }, r.id));
    expect((await stateOf(r.id)).events).toEqual(['seat-reserved', 'reservation-confirmed']);
  });
});

describe('payments that arrive together', () => {
  it('confirm each live hold once, with its own inbox row and event; an ended hold is refunded; a repeat changes nothing', async () => {
    const holds = (await holdSeats(12)).map((h) => ({ ...h, event: paymentCompletedFor(h.r, h.userId) }));
    await sleep(1100);
    const [ended, ...live] = holds;
    expect(await expireHolds(svc.deps, { source: 'job', reservationId: ended!.r.id })).toHaveLength(1);

    // All in one turn of the event loop, so they share one read and one statement; one event twice.
    const handle = paymentCompletedHandler(svc.deps);
    await Promise.all([...holds, live[0]!].map((h) => handle(message(h.event, h.r.id))));

    for (const h of live) {
      expect(await stateOf(h.r.id)).toEqual({ status: 'CONFIRMED', seat: 'RESERVED', events: ['seat-reserved', 'reservation-confirmed'] });
    }
    expect((await stateOf(ended!.r.id)).events.sort()).toEqual(
      ['payment-refund-requested:RESERVATION_EXPIRED', 'reservation-expired', 'seat-reserved'].sort(),
    );
    const { rows } = await svc.deps.db.$client.query(
      `select event_id::text, count(*)::int as n from booking.inbox where event_id = any($1::uuid[]) group by event_id`,
      [holds.map((h) => h.event.eventId)],
    );
    expect(rows).toHaveLength(holds.length);
    expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    const confirmedAt = await svc.deps.db.$client.query(`select count(*)::int as n from booking.reservations where id = any($1::uuid[]) and confirmed_at is not null and payment_id is not null`, [live.map((h) => h.r.id)]);
    expect(confirmedAt.rows[0].n).toBe(live.length);
  });
});
