import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '@concert/testing';
import { call, type Reply } from './support/gateway';
import { overRealServices } from './support/over-real-services';

// The whole public flow through the gateway against the real services, run as child processes.
describe('gateway over the real services', () => {
  const live = overRealServices();
  const { api, signupAndLogin, openConcert, admitted } = live;

  it('auth: signup, duplicate email, wrong password, /me without role, replaced login', async () => {
    const fan = await signupAndLogin();
    const dup = await call('POST', api('/auth/signup'), { body: { email: fan.email, name: 'Again', password: 'another password' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
    const wrong = await call('POST', api('/auth/login'), { body: { email: fan.email, password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const me = await call('GET', api('/me'), { token: fan.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: fan.userId, email: fan.email, name: 'Fan', phone: '010-1234-5678' });

    const again = await call('POST', api('/auth/login'), { body: { email: fan.email, password: fan.password } });
    const old = await call('GET', api('/me'), { token: fan.token });
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('TOKEN_REVOKED');
    expect((await call('GET', api('/me'), { token: again.body.accessToken as string })).status).toBe(200);
  });

  it('operators: non-admin 403, queue policy and stats, unknown concert 404', async () => {
    const fan = await signupAndLogin();
    const concertId = await openConcert();
    expect((await call('GET', api(`/admin/concerts/${concertId}/queue`), { token: fan.token })).status).toBe(403);
    const policy = await call('PUT', api(`/admin/concerts/${concertId}/queue-policy`), {
      token: live.adminToken,
      body: { admitPerSecond: 100, maxActive: 50, activeTtlSeconds: 600 },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const stats = await call('GET', api(`/admin/concerts/${concertId}/queue`), { token: live.adminToken });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number), admitPerSecond: 100, maxActive: 50 });
    const missing = await call('GET', api(`/admin/concerts/${randomUUID()}/queue`), { token: live.adminToken });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('CONCERT_NOT_FOUND');
  });

  it('queue tokens: 404 unknown concert, 409 when not open, 201 then 200, 403 for another user', async () => {
    const fan = await signupAndLogin();
    const other = await signupAndLogin();
    const unknown = await call('POST', api(`/concerts/${randomUUID()}/queue/tokens`), { token: fan.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CONCERT_NOT_FOUND');

    const concertId = await openConcert();
    const closed = await call('PATCH', api(`/admin/concerts/${concertId}`), { token: live.adminToken, body: { status: 'BOOKING_CLOSED' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const refused = await call('POST', api(`/concerts/${concertId}/queue/tokens`), { token: fan.token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BOOKING_NOT_OPEN');

    const open = await openConcert();
    const first = await call('POST', api(`/concerts/${open}/queue/tokens`), { token: fan.token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ concertId: open, status: expect.stringMatching(/WAITING|ACTIVE/) });
    const second = await call('POST', api(`/concerts/${open}/queue/tokens`), { token: fan.token });
    expect(second.status).toBe(200);
    const stolen = await call('GET', api('/queue/status'), { token: other.token, queueToken: first.body.queueToken as string });
    expect(stolen.status).toBe(403);
    expect(stolen.body.code).toBe('QUEUE_TOKEN_INVALID');
  });

  it('hold, pay, replay, confirm: the whole booking through the gateway', async () => {
    const fan = await signupAndLogin();
    const thief = await signupAndLogin();
    const concertId = await openConcert();
    const otherConcert = await openConcert();
    const queueToken = await admitted(fan.token, concertId);
    const otherQueueToken = await admitted(fan.token, otherConcert);

    const charge = (key: string, amount: string) =>
      call('POST', api('/me/balance/charge'), { token: fan.token, body: { amount }, headers: { 'idempotency-key': key } });
    const c1 = await charge('charge-1', '200000.00');
    expect(c1.status, JSON.stringify(c1.body)).toBe(200);
    expect(c1.body.balance).toBe('200000.00');
    const replay = await charge('charge-1', '200000.00');
    expect(replay.body).toEqual(c1.body);
    expect((await charge('charge-1', '5.00')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Queue token checks on holds.
    const seat = { concertId, seatNumber: 1 };
    const noToken = await call('POST', api('/reservations'), { token: fan.token, body: seat });
    expect(noToken.body.code).toBe('QUEUE_TOKEN_INVALID');
    const wrongConcert = await call('POST', api('/reservations'), { token: fan.token, queueToken: otherQueueToken, body: seat });
    expect(wrongConcert.status).toBe(403);
    expect(wrongConcert.body.code).toBe('QUEUE_TOKEN_NOT_ACTIVE');
    const notThere = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId: randomUUID(), seatNumber: 1 } });
    expect(notThere.status).toBe(404);
    expect(notThere.body.code).toBe('CONCERT_NOT_FOUND');
    const thiefTry = await call('POST', api('/reservations'), { token: thief.token, queueToken, body: seat });
    expect(thiefTry.body.code).toBe('QUEUE_TOKEN_INVALID');
    const noSeat = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId, seatNumber: 11 } });
    expect(noSeat.status).toBe(404);
    expect(noSeat.body.code).toBe('SEAT_NOT_FOUND');

    const hold = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: seat });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect(hold.body).toMatchObject({ concertId, seatNumber: 1, status: 'TEMPORARILY_RESERVED', price: '120000.00' });
    const reservationId = hold.body.id as string;
    const taken = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: seat });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('SEAT_UNAVAILABLE');
    expect((await call('GET', api(`/reservations/${reservationId}`), { token: thief.token })).status).toBe(404);

    const pay = (key: string, token = fan.token, qt: string | null = queueToken) =>
      call('POST', api('/payments'), { token, queueToken: qt ?? undefined, body: { reservationId }, headers: { 'idempotency-key': key } });
    expect((await pay('pay-1', thief.token, queueToken)).status).toBe(404);
    expect((await pay('pay-1', fan.token, null)).body.code).toBe('QUEUE_TOKEN_INVALID');
    const paid = await pay('pay-1');
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ reservationId, status: 'COMPLETED', amount: '120000.00', previousBalance: '200000.00', remainingBalance: '80000.00' });
    const again: Reply = await pay('pay-1');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).toBe(paid.body.id);
    const twice = await pay('pay-2');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_PAID');

    expect((await call('GET', api(`/payments/${paid.body.id as string}`), { token: fan.token })).body.status).toBe('COMPLETED');
    expect((await call('GET', api(`/payments/${paid.body.id as string}`), { token: thief.token })).status).toBe(404);
    await eventually(async () => {
      const r = await call('GET', api(`/reservations/${reservationId}`), { token: fan.token });
      expect(r.body.status).toBe('CONFIRMED');
    });
    const status = await call('GET', api('/queue/status'), { token: fan.token, queueToken });
    expect(status.body.status).toBe('EXPIRED');
    expect((await call('GET', api('/me/balance'), { token: fan.token })).body.balance).toBe('80000.00');
    const tx = await call('GET', api('/me/balance/transactions?limit=1'), { token: fan.token });
    expect(tx.status).toBe(200);
    expect(tx.body.items).toHaveLength(1);
    const mine = await call('GET', api('/me/reservations'), { token: fan.token });
    expect((mine.body.items as { id: string }[]).map((r) => r.id)).toContain(reservationId);
    const seats = await call('GET', api(`/concerts/${concertId}/seats`));
    expect((seats.body.seats as { seatNumber: number; status: string }[]).find((s) => s.seatNumber === 1)?.status).toBe('RESERVED');
  });

  it('paying ends the queue slot, yet other holds of the same fan stay payable', async () => {
    const fan = await signupAndLogin();
    const concertId = await openConcert();
    const queueToken = await admitted(fan.token, concertId);
    await call('POST', api('/me/balance/charge'), { token: fan.token, body: { amount: '300000' }, headers: { 'idempotency-key': 'c' } });
    const holds = await Promise.all(
      [3, 4].map((seatNumber) => call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId, seatNumber } })),
    );
    expect(holds.map((h) => h.status)).toEqual([201, 201]);
    for (const [i, h] of holds.entries()) {
      const p = await call('POST', api('/payments'), { token: fan.token, queueToken, body: { reservationId: h.body.id }, headers: { 'idempotency-key': `p${i}` } });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
    }
    // But no new hold without being admitted again.
    const more = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId, seatNumber: 5 } });
    expect(more.status).toBe(403);
    expect(more.body.code).toBe('QUEUE_TOKEN_NOT_ACTIVE');
  });

  it('cancel a hold releases the seat', async () => {
    const fan = await signupAndLogin();
    const concertId = await openConcert();
    const queueToken = await admitted(fan.token, concertId);
    const hold = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId, seatNumber: 2 } });
    expect(hold.status).toBe(201);
    const cancel = await call('DELETE', api(`/reservations/${hold.body.id as string}`), { token: fan.token });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('CANCELLED');
    const again = await call('DELETE', api(`/reservations/${hold.body.id as string}`), { token: fan.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RESERVATION_NOT_CANCELLABLE');
  });

  it('readyz is green with every service up', async () => {
    const r = await call('GET', `${live.gw.url}/readyz`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});
