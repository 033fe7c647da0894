import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep, type Api, type Platform } from '@concert/testing';
import { reconcile } from '@concert/ops';
import { E2E_DATABASE, e2ePlatform } from './support/platform';
import { infra } from './support/infra';
import { admitted, openConcert } from './support/scenario';

// Long enough that, on a loaded machine, the hold outlives the set-up of the broker-down case
// (a hold, a second for the projection, stopping Kafka: that stop alone took 5 s in a loaded run).
const HOLD_SECONDS = 10;
let platform: Platform;
let api: Api;

beforeAll(async () => {
  ({ platform, api } = await e2ePlatform({ env: { RESERVATION_HOLD_SECONDS: String(HOLD_SECONDS) } }));
});
afterAll(async () => {
  await platform?.stop();
});

type Res = { id: string; status: string; reservedUntil: string };
type Seats = { seats: { seatNumber: number; status: string }[] };

async function fanWithHold(concertId: string, seatNumber: number) {
  const fan = await api.newUser();
  await api.charge(fan.token, '100000.00');
  const queueToken = await admitted(api, fan.token, concertId);
  const hold = await api.req<Res>('POST', '/reservations', { token: fan.token, queueToken, body: { concertId, seatNumber } });
  expect(hold.status).toBe(201);
  return { fan, queueToken, hold: hold.body };
}

describe('holds expire and the pay-vs-expiry race has exactly one outcome', () => {
  it('a hold that expires frees the seat, and someone else can hold it', async () => {
    const concert = await openConcert(api, { seats: 5 });
    const { fan, hold } = await fanWithHold(concert.id, 1);
    const deadline = Date.parse(hold.reservedUntil);
    expect(deadline - Date.now()).toBeLessThanOrEqual(HOLD_SECONDS * 1000 + 500);

    await eventually(
      async () => {
        const r = await api.req<Res>('GET', `/reservations/${hold.id}`, { token: fan.token });
        expect(r.body.status).toBe('EXPIRED');
      },
      { timeoutMs: HOLD_SECONDS * 1000 + 5000, intervalMs: 100 },
    );
    // The seat is free within a second of the deadline.
    expect(Date.now() - deadline).toBeLessThan(1500);
    const seats = await api.req<Seats>('GET', `/concerts/${concert.id}/seats`);
    expect(seats.body.seats.find((s) => s.seatNumber === 1)?.status).toBe('AVAILABLE');

    const other = await fanWithHold(concert.id, 1);
    expect(other.hold.status).toBe('TEMPORARILY_RESERVED');
    const late = await api.req('POST', '/payments', {
      token: fan.token,
      queueToken: await admitted(api, fan.token, concert.id),
      body: { reservationId: hold.id },
      idempotencyKey: randomUUID(),
    });
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: 'RESERVATION_EXPIRED' });
  });

  it('paid before the deadline: CONFIRMED stays CONFIRMED after the deadline passes, no refund', async () => {
    const concert = await openConcert(api, { seats: 5 });
    const { fan, queueToken, hold } = await fanWithHold(concert.id, 2);
    const pay = await api.req('POST', '/payments', {
      token: fan.token,
      queueToken,
      body: { reservationId: hold.id },
      idempotencyKey: randomUUID(),
    });
    expect(pay.status).toBe(201);
    await sleep(Math.max(0, Date.parse(hold.reservedUntil) - Date.now()) + 1500);
    const r = await api.req<Res>('GET', `/reservations/${hold.id}`, { token: fan.token });
    expect(r.body.status).toBe('CONFIRMED');
    expect((await api.req('GET', '/me/balance', { token: fan.token })).body).toEqual({ balance: '50000.00' });
    const seats = await api.req<Seats>('GET', `/concerts/${concert.id}/seats`);
    expect(seats.body.seats.find((s) => s.seatNumber === 2)?.status).toBe('RESERVED');
  });

  it('payment reaching booking only after the expiry (broker down in between): EXPIRED, seat free, money refunded', async () => {
    const concert = await openConcert(api, { seats: 5 });
    const { fan, queueToken, hold } = await fanWithHold(concert.id, 3);
    let paymentId = '';
    await sleep(1000); // let seat-reserved reach payment-service's projection
    // The broker is down: the payment commits with its payment-completed in the outbox, and the
    // expiry commits with its event in the other outbox. Which reaches the other side first is
    // now forced: the expiry already happened when payment-completed gets to booking.
    await infra('kafka.sh', 'stop');
    try {
      const pay = await api.req<{ id: string }>('POST', '/payments', {
        token: fan.token,
        queueToken,
        body: { reservationId: hold.id },
        idempotencyKey: randomUUID(),
      });
      expect(pay.status).toBe(201);
      paymentId = pay.body.id;
      await eventually(
        async () => {
          const r = await api.req<Res>('GET', `/reservations/${hold.id}`, { token: fan.token });
          expect(r.body.status).toBe('EXPIRED');
        },
        { timeoutMs: HOLD_SECONDS * 1000 + 5000, intervalMs: 100 },
      );
    } finally {
      await infra('kafka.sh', 'start');
    }

    const final = await eventually(
      async () => {
        const r = await api.req<Res>('GET', `/reservations/${hold.id}`, { token: fan.token });
        const p = await api.req<{ status: string }>('GET', `/payments/${paymentId}`, { token: fan.token });
        const bal = await api.req<{ balance: string }>('GET', '/me/balance', { token: fan.token });
        const confirmed = r.body.status === 'CONFIRMED' && p.body.status === 'COMPLETED' && bal.body.balance === '50000.00';
        const refunded = r.body.status === 'EXPIRED' && p.body.status === 'REFUNDED' && bal.body.balance === '100000.00';
        if (!confirmed && !refunded) throw new Error(`not settled: ${r.body.status}/${p.body.status}/${bal.body.balance}`);
        return { reservation: r.body.status, payment: p.body.status };
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Forced order: the expiry won, so the only correct outcome is the refund.
    expect(final).toEqual({ reservation: 'EXPIRED', payment: 'REFUNDED' });
    const seats = await api.req<Seats>('GET', `/concerts/${concert.id}/seats`);
    const seat = seats.body.seats.find((s) => s.seatNumber === 3)?.status;
    expect(seat).toBe(final.reservation === 'CONFIRMED' ? 'RESERVED' : 'AVAILABLE');
    const report = await reconcile({ database: E2E_DATABASE, settleMs: 30_000 });
    expect(report.violations).toEqual([]);
  });
});
