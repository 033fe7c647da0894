import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Concert, ConcertList, PayableReservation, Problem, Reservation, ReservationList, SeatMap } from '@concert/contracts';
import type { RunningBookingService } from '../src/start';
import { api, newUser, openConcert, startBooking, testNamespace, type Api } from './support';

const ns = testNamespace();
let svc: RunningBookingService;
let a: Api;

beforeAll(async () => {
  svc = await startBooking(ns);
  a = api(svc.url);
});

afterAll(async () => {
  await svc?.stop();
});

const body = {
  title: 'Spring Live',
  artist: 'The Band',
  venue: 'Olympic Hall',
  concertDate: '2030-05-01',
  concertTime: '19:00',
  totalSeats: 50,
  price: '120000',
  bookingStartTime: '2030-04-01T00:00:00Z',
  bookingEndTime: '2030-04-30T23:59:59+09:00',
};

describe('concerts', () => {
  it('creates a concert with its seats and answers in the API shape', async () => {
    const res = await a.post('/internal/concerts', body);
    expect(res.status).toBe(201);
    const c = Concert.parse(res.body);
    expect(c).toMatchObject({
      concertDate: '2030-05-01',
      concertTime: '19:00:00',
      price: '120000.00',
      status: 'SCHEDULED',
      totalSeats: 50,
      availableSeats: 50,
      bookingStartTime: '2030-04-01T00:00:00.000Z',
      bookingEndTime: '2030-04-30T14:59:59.000Z',
    });
    const seats = SeatMap.parse((await a.get(`/internal/concerts/${c.id}/seats`)).body);
    expect(seats.seats.map((s) => s.seatNumber)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(seats.seats.map((s) => s.status))).toEqual(new Set(['AVAILABLE']));
    expect(Concert.parse((await a.get(`/internal/concerts/${c.id}`)).body)).toEqual(c);
  });

  it('lists concerts, filtered by status, and changes status', async () => {
    const created = (await a.post('/internal/concerts', body)).body;
    const scheduled = ConcertList.parse((await a.get('/internal/concerts?status=SCHEDULED')).body);
    expect(scheduled.items.some((c) => c.id === created.id)).toBe(true);
    expect(scheduled.items.every((c) => c.status === 'SCHEDULED')).toBe(true);

    const opened = await a.patch(`/internal/concerts/${created.id}`, { status: 'BOOKING_OPEN' });
    expect(opened.body.status).toBe('BOOKING_OPEN');
    const open = ConcertList.parse((await a.get('/internal/concerts?status=BOOKING_OPEN')).body);
    expect(open.items.some((c) => c.id === created.id)).toBe(true);
    expect((await a.get('/internal/concerts?status=SCHEDULED')).body.items.some((c: Concert) => c.id === created.id)).toBe(
      false,
    );
    await a.patch(`/internal/concerts/${created.id}`, { status: 'CANCELLED' });
    const reopen = await a.patch(`/internal/concerts/${created.id}`, { status: 'BOOKING_OPEN' });
    expect([reopen.status, reopen.body.code]).toEqual([409, 'INVALID_STATE']);
  });

  it('rejects bad input with 400 and unknown concerts with 404', async () => {
    for (const bad of [
      { ...body, price: '1.234' },
      { ...body, price: '100000000.00' },
      { ...body, concertDate: '2030-02-30' },
      { ...body, concertTime: '25:00' },
      { ...body, totalSeats: 0 },
      { ...body, bookingEndTime: body.bookingStartTime },
      { title: 'x' },
    ]) {
      const res = await a.post('/internal/concerts', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(Problem.parse(res.body).code).toBe('VALIDATION_FAILED');
    }
    expect((await a.get('/internal/concerts?status=NOPE')).status).toBe(400);
    for (const path of [`/internal/concerts/${newUser()}`, '/internal/concerts/not-a-uuid', `/internal/concerts/${newUser()}/seats`]) {
      const res = await a.get(path);
      expect([res.status, res.body.code]).toEqual([404, 'CONCERT_NOT_FOUND']);
    }
    expect((await a.patch(`/internal/concerts/${newUser()}`, { status: 'BOOKING_OPEN' })).status).toBe(404);
  });
});

describe('reservations', () => {
  it('reads, lists, cancels and reports payable reservations', async () => {
    const c = await openConcert(a, { price: '99.90' });
    const user = newUser();
    const res = await a.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 5 });
    expect(res.status).toBe(201);
    const r = Reservation.parse(res.body);
    expect(r).toMatchObject({ concertId: c.id, seatNumber: 5, status: 'TEMPORARILY_RESERVED', price: '99.90', confirmedAt: null });
    expect(Date.parse(r.reservedUntil) - Date.parse(r.reservedAt)).toBe(300_000);

    expect(Reservation.parse((await a.get(`/internal/reservations/${r.id}?userId=${user}`)).body)).toEqual(r);
    const stranger = await a.get(`/internal/reservations/${r.id}?userId=${newUser()}`);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'RESERVATION_NOT_FOUND']);
    expect((await a.get(`/internal/reservations/${r.id}`)).status).toBe(400);

    const list = ReservationList.parse((await a.get(`/internal/users/${user}/reservations`)).body);
    expect(list.items.map((i) => i.id)).toEqual([r.id]);

    const payable = PayableReservation.parse((await a.get(`/internal/reservations/${r.id}/payable`)).body);
    expect(payable).toEqual({
      reservationId: r.id,
      concertId: c.id,
      userId: user,
      seatNumber: 5,
      price: '99.90',
      status: 'TEMPORARILY_RESERVED',
      reservedUntil: r.reservedUntil,
    });
    expect((await a.get(`/internal/reservations/${newUser()}/payable`)).status).toBe(404);

    expect((await a.delete(`/internal/reservations/${r.id}?userId=${newUser()}`)).status).toBe(404);
    const cancelled = await a.delete(`/internal/reservations/${r.id}?userId=${user}`);
    expect(cancelled.body.status).toBe('CANCELLED');
    const again = await a.delete(`/internal/reservations/${r.id}?userId=${user}`);
    expect([again.status, again.body.code]).toEqual([409, 'RESERVATION_NOT_CANCELLABLE']);
    // The seat is free again for anyone.
    expect((await a.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 5 })).status).toBe(201);
  });

  it('validates hold requests', async () => {
    for (const bad of [{}, { userId: 'x', concertId: newUser(), seatNumber: 1 }, { userId: newUser(), concertId: newUser(), seatNumber: 1.5 }]) {
      const res = await a.post('/internal/reservations', bad);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});

describe('service plumbing', () => {
  it('guards /internal with the internal token', async () => {
    const res = await fetch(`${svc.url}/internal/concerts`);
    expect(res.status).toBe(403);
  });

  it('serves /healthz, /readyz and business metrics', async () => {
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${svc.url}/readyz`)).json();
    expect(ready).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', kafka: 'ok' } });
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    for (const name of ['holds_total', 'expiries_total', 'confirmations_total', 'refund_requests_total', 'cache_lookups_total', 'outbox_pending']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/holds_total\{[^}]*result="ok"/);
    expect(text).toMatch(/cache_lookups_total\{[^}]*result="hit"/);
  });
});
