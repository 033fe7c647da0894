import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@concert/contracts';
import { eventually } from '@concert/testing';
import { startBookingStub } from './booking-stub';
import {
  charge,
  dbPool,
  eventedPayment,
  ledgerOf,
  newPrefix,
  newUser,
  projectionStatus,
  refundRequested,
  reservationEnded,
  seatReserved,
} from './support';

const prefix = newPrefix();
const pool = dbPool();
let booking: Awaited<ReturnType<typeof startBookingStub>>;

interface PaymentBody {
  id: string;
  reservationId: string;
  amount: string;
  status: string;
  previousBalance: string;
  remainingBalance: string;
  paidAt: string | null;
}

// Hooks run in order and are undone in reverse: the stub is up before payment-service asks it and closes after it stops.
beforeAll(async () => {
  booking = await startBookingStub();
});
afterAll(async () => {
  await booking?.close();
  await pool.end();
});
const t = eventedPayment(prefix, { env: () => ({ BOOKING_SERVICE_URL: booking.url }) });

/** A hold as booking-service announces it; resolves once the consumer has projected it. */
async function reserve(userId: string, price: string, holdMs = 300_000) {
  const event = seatReserved({ userId, price, holdMs });
  await t.feeder.send(TOPICS.seatReserved, event);
  await eventually(async () => expect(await projectionStatus(pool, event.payload.reservationId)).toBe('TEMPORARILY_RESERVED'), {
    timeoutMs: 20_000,
  });
  return event.payload;
}

const payReq = (userId: string, reservationId: string, key = randomUUID()) =>
  t.call<PaymentBody>('POST', '/internal/payments', { body: { userId, reservationId }, idempotencyKey: key });

async function fundedUser(amount: string) {
  const u = await newUser(t.call);
  if (amount !== '0') expect((await charge(t.call, u.id, amount)).status).toBe(200);
  return u;
}

async function counts(userId: string) {
  const { rows } = await pool.query<{ payments: number; outbox: number }>(
    `select (select count(*)::int from payment.payments where user_id = $1) as payments,
            (select count(*)::int from payment.outbox where payload->'payload'->>'userId' = $1::text) as outbox`,
    [userId],
  );
  return { ...rows[0]!, ...(await ledgerOf(pool, userId)) };
}

describe('pay', () => {
  it('pays a held reservation: payment, PAYMENT ledger row and payment-completed in one go', async () => {
    const u = await fundedUser('300');
    const r = await reserve(u.id, '120.00');
    const res = await payReq(u.id, r.reservationId);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      reservationId: r.reservationId,
      amount: '120.00',
      status: 'COMPLETED',
      previousBalance: '300.00',
      remainingBalance: '180.00',
      paidAt: expect.stringMatching(/Z$/),
    });
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '180.00', ledger: '180.00', rows: 2 });
    const { rows } = await pool.query(
      `select transaction_type::text as type, amount::text, previous_balance::text, new_balance::text, related_id
         from payment.balance_transactions where user_id = $1 and transaction_type = 'PAYMENT'`,
      [u.id],
    );
    expect(rows).toEqual([{ type: 'PAYMENT', amount: '120.00', previous_balance: '300.00', new_balance: '180.00', related_id: res.body.id }]);
    expect((await t.call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '180.00' });

    const got = await t.call<PaymentBody>('GET', `/internal/payments/${res.body.id}?userId=${u.id}`);
    expect(got.body).toEqual(res.body);
    const other = await newUser(t.call);
    expect((await t.call('GET', `/internal/payments/${res.body.id}?userId=${other.id}`)).body.code).toBe('PAYMENT_NOT_FOUND');
    expect((await t.call('GET', `/internal/payments/${randomUUID()}?userId=${u.id}`)).status).toBe(404);

    await eventually(
      () => {
        const e = t.collector.events('payment-completed').find((x) => x.payload.paymentId === res.body.id);
        expect(e?.payload).toEqual({
          paymentId: res.body.id,
          reservationId: r.reservationId,
          concertId: r.concertId,
          userId: u.id,
          amount: '120.00',
          paidAt: res.body.paidAt,
        });
      },
      { timeoutMs: 15_000 },
    );
  });

  it('applies concurrent duplicates of one payment once: they wait for the first and get its answer', async () => {
    const u = await fundedUser('500');
    const r = await reserve(u.id, '100.00');
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => payReq(u.id, r.reservationId, key)));
    expect(results.map((x) => x.status)).toEqual(Array(10).fill(201));
    // The same answer (a replay comes back from jsonb, so its keys may be in another order).
    for (const x of results) expect(x.body).toEqual(results[0]!.body);
    expect(await counts(u.id)).toMatchObject({ payments: 1, outbox: 1, balance: '400.00', ledger: '400.00', rows: 2 });
  });

  it('a duplicate payment that cannot wait for the in-flight one gets 409 IDEMPOTENCY_REQUEST_IN_PROGRESS', async () => {
    const u = await fundedUser('500');
    const r = await reserve(u.id, '100.00');
    const key = randomUUID();
    const inflight = await pool.connect();
    try {
      await inflight.query('begin');
      await inflight.query(`insert into payment.idempotency_keys (user_id, scope, key, request_hash) values ($1, 'payment', $2, 'x')`, [u.id, key]);
      const res = await payReq(u.id, r.reservationId, key);
      expect(res.status).toBe(409);
      expect((res.body as unknown as { code: string }).code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    } finally {
      await inflight.query('rollback');
      inflight.release();
    }
    expect((await payReq(u.id, r.reservationId, key)).status).toBe(201);
    expect(await counts(u.id)).toMatchObject({ payments: 1, outbox: 1, balance: '400.00' });
  });

  it('a second payment of the same reservation is 409 ALREADY_PAID and takes nothing', async () => {
    const u = await fundedUser('500');
    const r = await reserve(u.id, '100.00');
    expect((await payReq(u.id, r.reservationId)).status).toBe(201);
    const again = await payReq(u.id, r.reservationId);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_PAID' });
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '400.00', ledger: '400.00', rows: 2 });
  });

  it('serialises concurrent payments of one reservation: exactly one succeeds', async () => {
    const u = await fundedUser('1000');
    const r = await reserve(u.id, '90.00');
    const results = await Promise.all(Array.from({ length: 12 }, () => payReq(u.id, r.reservationId)));
    expect(results.filter((x) => x.status === 201)).toHaveLength(1);
    expect(results.filter((x) => x.status === 409 && (x.body as unknown as { code: string }).code === 'ALREADY_PAID')).toHaveLength(11);
    expect(await counts(u.id)).toMatchObject({ payments: 1, outbox: 1, balance: '910.00', ledger: '910.00' });
  });

  it('replays the same key and body; the same key for another reservation is 422', async () => {
    const u = await fundedUser('500');
    const r1 = await reserve(u.id, '50.00');
    const r2 = await reserve(u.id, '60.00');
    const key = randomUUID();
    const first = await payReq(u.id, r1.reservationId, key);
    const [second, third] = await Promise.all([payReq(u.id, r1.reservationId, key), payReq(u.id, r1.reservationId, key)]);
    expect(first.status).toBe(201);
    expect([second.status, third.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    const reused = await payReq(u.id, r2.reservationId, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await counts(u.id)).toMatchObject({ payments: 1, outbox: 1, balance: '450.00', ledger: '450.00', rows: 2 });
  });

  it('an insufficient balance is 409 and changes nothing; the same key works once topped up', async () => {
    const u = await fundedUser('50');
    const r = await reserve(u.id, '120.00');
    const key = randomUUID();
    const res = await payReq(u.id, r.reservationId, key);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect(await counts(u.id)).toEqual({ payments: 0, outbox: 0, balance: '50.00', ledger: '50.00', rows: 1 });
    await charge(t.call, u.id, '70');
    const retry = await payReq(u.id, r.reservationId, key);
    expect(retry.status).toBe(201);
    expect(retry.body.remainingBalance).toBe('0.00');
  });

  it("another user's reservation, or an unknown one, is 404 RESERVATION_NOT_FOUND", async () => {
    const owner = await fundedUser('0');
    const thief = await fundedUser('500');
    const r = await reserve(owner.id, '10.00');
    const res = await payReq(thief.id, r.reservationId);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'RESERVATION_NOT_FOUND' });
    const unknown = await payReq(thief.id, randomUUID());
    expect(unknown.status).toBe(404);
    expect(await counts(thief.id)).toMatchObject({ payments: 0, balance: '500.00' });
  });

  it('refuses a hold whose deadline has passed (410), even before the expiry event', async () => {
    const u = await fundedUser('500');
    const r = await reserve(u.id, '10.00', 1500);
    await new Promise((res) => setTimeout(res, 1700));
    const res = await payReq(u.id, r.reservationId);
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: 'RESERVATION_EXPIRED' });
    expect(await counts(u.id)).toMatchObject({ payments: 0, balance: '500.00' });
  });

  it.each(['reservation-expired', 'reservation-cancelled'] as const)('refuses a hold ended by %s (410)', async (kind) => {
    const u = await fundedUser('500');
    const r = await reserve(u.id, '10.00');
    await t.feeder.send(kind === 'reservation-expired' ? TOPICS.reservationExpired : TOPICS.reservationCancelled, reservationEnded(kind, { reservationId: r.reservationId, userId: u.id }));
    await eventually(async () => expect(await projectionStatus(pool, r.reservationId)).toBe(kind === 'reservation-expired' ? 'EXPIRED' : 'CANCELLED'), { timeoutMs: 15_000 });
    expect((await payReq(u.id, r.reservationId)).status).toBe(410);
    expect(await counts(u.id)).toMatchObject({ payments: 0, balance: '500.00' });
  });

  it('an expiry that overtakes seat-reserved wins: the late seat-reserved never resurrects the hold', async () => {
    const u = await fundedUser('500');
    const reserved = seatReserved({ userId: u.id, price: '10.00' });
    const id = reserved.payload.reservationId;
    await t.feeder.send(TOPICS.reservationExpired, reservationEnded('reservation-expired', { reservationId: id, userId: u.id }));
    await eventually(async () => expect(await projectionStatus(pool, id)).toBe('EXPIRED'), { timeoutMs: 15_000 });
    await t.feeder.send(TOPICS.seatReserved, reserved);
    await eventually(
      async () => {
        const { rows } = await pool.query('select status::text, price::text from payment.payable_reservations where reservation_id = $1', [id]);
        expect(rows[0]).toEqual({ status: 'EXPIRED', price: '10.00' });
      },
      { timeoutMs: 15_000 },
    );
    expect((await payReq(u.id, id)).status).toBe(410);
  });

  it('pays a hold whose seat-reserved is still in flight, asking booking-service once', async () => {
    const u = await fundedUser('500');
    const reservationId = randomUUID();
    const concertId = randomUUID();
    booking.payables.set(reservationId, {
      reservationId,
      concertId,
      userId: u.id,
      seatNumber: 3,
      price: '75.50',
      status: 'TEMPORARILY_RESERVED',
      reservedUntil: new Date(Date.now() + 300_000).toISOString(),
    });
    const res = await payReq(u.id, reservationId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: '75.50', remainingBalance: '424.50' });
    expect(booking.calls.filter((c) => c === reservationId)).toHaveLength(1);

    // The event arrives afterwards: it changes nothing and a second payment is still refused.
    const late = seatReserved({ userId: u.id, price: '75.50' });
    late.payload.reservationId = reservationId;
    late.payload.concertId = concertId;
    await t.feeder.send(TOPICS.seatReserved, late);
    expect((await payReq(u.id, reservationId)).status).toBe(409);
    expect(booking.calls.filter((c) => c === reservationId)).toHaveLength(1);

    // What booking-service says about an ended hold is respected too.
    const ended = randomUUID();
    booking.payables.set(ended, { ...booking.payables.get(reservationId)!, reservationId: ended, status: 'EXPIRED' });
    expect((await payReq(u.id, ended)).status).toBe(410);
  });
});

describe('refund', () => {
  it('restores the balance with a REFUND row and payment-refunded; a redelivery changes nothing', async () => {
    const u = await fundedUser('200');
    const r = await reserve(u.id, '80.00');
    const paid = await payReq(u.id, r.reservationId);
    expect(paid.status).toBe(201);
    expect((await t.call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '120.00' });

    const request = refundRequested({ reservationId: r.reservationId, paymentId: paid.body.id, userId: u.id, amount: '80.00' });
    await t.feeder.send(TOPICS.paymentRefundRequested, request);
    await eventually(
      async () => {
        const p = await t.call<PaymentBody>('GET', `/internal/payments/${paid.body.id}?userId=${u.id}`);
        expect(p.body.status).toBe('REFUNDED');
      },
      { timeoutMs: 15_000 },
    );
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '200.00', ledger: '200.00', rows: 3 });
    const { rows } = await pool.query(
      `select amount::text, previous_balance::text, new_balance::text, related_id from payment.balance_transactions
        where user_id = $1 and transaction_type = 'REFUND'`,
      [u.id],
    );
    expect(rows).toEqual([{ amount: '80.00', previous_balance: '120.00', new_balance: '200.00', related_id: paid.body.id }]);
    expect((await t.call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '200.00' });

    // Redelivery of the same event, and a second request (new event id) for the same payment.
    await t.feeder.send(TOPICS.paymentRefundRequested, request);
    await t.feeder.send(TOPICS.paymentRefundRequested, { ...request, eventId: randomUUID() });
    const marker = seatReserved({ userId: u.id, price: '1.00' });
    marker.payload.reservationId = r.reservationId; // same key → same partition, processed after the two above
    await t.feeder.send(TOPICS.seatReserved, marker);
    await eventually(
      async () => {
        const { rows: inbox } = await pool.query('select 1 from payment.inbox where event_id = $1', [marker.eventId]);
        expect(inbox).toHaveLength(1);
      },
      { timeoutMs: 15_000 },
    );
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '200.00', ledger: '200.00', rows: 3 });

    await eventually(
      () => {
        const e = t.collector.events('payment-refunded').filter((x) => x.payload.paymentId === paid.body.id);
        expect(e).toHaveLength(1);
        expect(e[0]!.payload).toMatchObject({ reservationId: r.reservationId, userId: u.id, amount: '80.00' });
      },
      { timeoutMs: 15_000 },
    );
    // A refunded reservation is never paid again.
    expect((await payReq(u.id, r.reservationId)).status).toBe(410);
  });
});
