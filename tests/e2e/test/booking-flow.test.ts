import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN, eventually, type Api, type Platform } from '@concert/testing';
import { e2ePlatform } from './support/platform';
import { admitted, openConcert } from './support/scenario';

let platform: Platform;
let api: Api;

beforeAll(async () => {
  ({ platform, api } = await e2ePlatform());
});
afterAll(async () => {
  await platform?.stop();
});

describe('a fan books a seat end to end, through the gateway only', () => {
  it('signup → charge → queue → admitted → hold → pay → CONFIRMED → seat RESERVED → queue token EXPIRED', async () => {
    const concert = await openConcert(api, { seats: 10, price: '50000.00' });
    const fan = await api.newUser();
    await api.charge(fan.token, '80000.00');
    expect((await api.req('GET', '/me/balance', { token: fan.token })).body).toEqual({ balance: '80000.00' });

    const queueToken = await admitted(api, fan.token, concert.id);
    const hold = await api.req<{ id: string; status: string; price: string; seatNumber: number }>('POST', '/reservations', {
      token: fan.token,
      queueToken,
      body: { concertId: concert.id, seatNumber: 3 },
    });
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ status: 'TEMPORARILY_RESERVED', price: '50000.00', seatNumber: 3 });

    const seats = await api.req<{ seats: { seatNumber: number; status: string }[] }>('GET', `/concerts/${concert.id}/seats`);
    expect(seats.body.seats.find((s) => s.seatNumber === 3)?.status).toBe('TEMPORARILY_RESERVED');

    const key = randomUUID();
    const pay = await api.req<{ id: string; status: string; amount: string; previousBalance: string; remainingBalance: string }>(
      'POST',
      '/payments',
      { token: fan.token, queueToken, body: { reservationId: hold.body.id }, idempotencyKey: key },
    );
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ status: 'COMPLETED', amount: '50000.00', previousBalance: '80000.00', remainingBalance: '30000.00' });
    const paidAt = Date.now();

    await eventually(
      async () => {
        const r = await api.req<{ status: string; confirmedAt: string | null }>('GET', `/reservations/${hold.body.id}`, { token: fan.token });
        expect(r.body.status).toBe('CONFIRMED');
        expect(r.body.confirmedAt).not.toBeNull();
      },
      { timeoutMs: 5000, intervalMs: 25 },
    );
    // API.md promises CONFIRMED within a second of the payment.
    expect(Date.now() - paidAt).toBeLessThan(1000);

    const after = await api.req<{ seats: { seatNumber: number; status: string }[] }>('GET', `/concerts/${concert.id}/seats`);
    expect(after.body.seats.find((s) => s.seatNumber === 3)?.status).toBe('RESERVED');
    await eventually(async () => {
      const q = await api.req<{ status: string }>('GET', '/queue/status', { token: fan.token, queueToken });
      expect(q.body.status).toBe('EXPIRED');
    });

    const replay = await api.req('POST', '/payments', {
      token: fan.token,
      queueToken,
      body: { reservationId: hold.body.id },
      idempotencyKey: key,
    });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(pay.body);

    const balance = await api.req('GET', '/me/balance', { token: fan.token });
    expect(balance.body).toEqual({ balance: '30000.00' });
    const tx = await api.req<{ items: { type: string; amount: string }[] }>('GET', '/me/balance/transactions', { token: fan.token });
    expect(tx.body.items.map((i) => [i.type, i.amount])).toEqual([
      ['PAYMENT', '50000.00'],
      ['CHARGE', '80000.00'],
    ]);
    const mine = await api.req<{ items: { id: string; status: string }[] }>('GET', '/me/reservations', { token: fan.token });
    expect(mine.body.items).toEqual([expect.objectContaining({ id: hold.body.id, status: 'CONFIRMED' })]);
    const payment = await api.req('GET', `/payments/${pay.body.id}`, { token: fan.token });
    expect(payment.body).toEqual(pay.body);
  });

  it('an operator cancels the concert: the paid fan gets the money back, the holder loses the hold', async () => {
    const concert = await openConcert(api, { seats: 5, price: '40000.00' });
    const [buyer, holder] = await Promise.all([api.newUser('buyer'), api.newUser('holder')]);
    await api.charge(buyer.token, '100000.00');
    const [buyerPass, holderPass] = await Promise.all([admitted(api, buyer.token, concert.id), admitted(api, holder.token, concert.id)]);
    const hold = (who: { token: string }, queueToken: string, seatNumber: number) =>
      api.req<{ id: string }>('POST', '/reservations', { token: who.token, queueToken, body: { concertId: concert.id, seatNumber } });
    const sold = await hold(buyer, buyerPass, 1);
    const held = await hold(holder, holderPass, 2);
    const pay = await api.req<{ id: string }>('POST', '/payments', {
      token: buyer.token,
      queueToken: buyerPass,
      body: { reservationId: sold.body.id },
      idempotencyKey: randomUUID(),
    });
    expect(pay.status).toBe(201);
    await eventually(async () => expect((await api.req<{ status: string }>('GET', `/reservations/${sold.body.id}`, { token: buyer.token })).body.status).toBe('CONFIRMED'));

    const admin = await api.login(E2E_ADMIN.email, E2E_ADMIN.password);
    const cancelled = await api.req<{ status: string }>('PATCH', `/admin/concerts/${concert.id}`, { token: admin, body: { status: 'CANCELLED' } });
    expect(cancelled.body.status).toBe('CANCELLED');

    await eventually(async () => {
      expect((await api.req('GET', '/me/balance', { token: buyer.token })).body).toEqual({ balance: '100000.00' });
      expect((await api.req<{ status: string }>('GET', `/payments/${pay.body.id}`, { token: buyer.token })).body.status).toBe('REFUNDED');
    }, { timeoutMs: 10_000 });
    for (const [who, id] of [[buyer, sold.body.id], [holder, held.body.id]] as const)
      expect((await api.req<{ status: string }>('GET', `/reservations/${id}`, { token: who.token })).body.status).toBe('CANCELLED');
    const tx = await api.req<{ items: { type: string; amount: string }[] }>('GET', '/me/balance/transactions', { token: buyer.token });
    expect(tx.body.items.map((i) => [i.type, i.amount])).toEqual([
      ['REFUND', '40000.00'],
      ['PAYMENT', '40000.00'],
      ['CHARGE', '100000.00'],
    ]);
    const late = await hold(holder, holderPass, 3);
    expect([late.status, (late.body as { code?: string }).code]).toEqual([409, 'BOOKING_NOT_OPEN']);
  });

  it('500 fans race for 50 seats: exactly 50 holds, no seat twice', async () => {
    const concert = await openConcert(api, {
      seats: 50,
      policy: { admitPerSecond: 1000, maxActive: 1000, activeTtlSeconds: 600 },
    });
    const fans = await inBatches(500, 50, () => api.newUser('racer'));
    const queueTokens = await inBatches(fans.length, 50, (i) => admitted(api, fans[i]!.token, concert.id, 60_000));
    const results = await Promise.all(
      fans.map((fan, i) =>
        api.req<{ seatNumber: number; code?: string }>('POST', '/reservations', {
          token: fan.token,
          queueToken: queueTokens[i],
          body: { concertId: concert.id, seatNumber: (i % 50) + 1 },
        }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(50);
    expect(new Set(won.map((r) => r.body.seatNumber)).size).toBe(50);
    const lost = results.filter((r) => r.status !== 201);
    expect(lost.every((r) => r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE')).toBe(true);
    const seats = await api.req<{ seats: { status: string }[] }>('GET', `/concerts/${concert.id}/seats`);
    expect(seats.body.seats.filter((s) => s.status === 'TEMPORARILY_RESERVED')).toHaveLength(50);
    const detail = await api.req<{ availableSeats: number }>('GET', `/concerts/${concert.id}`);
    expect(detail.body.availableSeats).toBe(0);
  });
});

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += size) {
    const batch = await Promise.all(Array.from({ length: Math.min(size, n - start) }, (_, k) => fn(start + k)));
    out.push(...batch);
  }
  return out;
}
