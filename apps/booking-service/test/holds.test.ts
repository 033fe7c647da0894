import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { DEADLINE_HEADER } from '@concert/service-kit';
import type { RunningBookingService } from '../src/start';
import { holdSeat } from '../src/use-cases/holds';
import { api, newUser, openConcert, internalToken, startBooking, testNamespace, type Api } from './support';

const ns = testNamespace();
let one: RunningBookingService;
let two: RunningBookingService;
let a1: Api;
let a2: Api;

beforeAll(async () => {
  // Two replicas side by side on the same database, Redis and topics.
  one = await startBooking(ns);
  two = await startBooking(ns);
  a1 = api(one.url);
  a2 = api(two.url);
});

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
});

const tally = (statuses: Array<{ status: number; body: { code?: string } }>) => ({
  ok: statuses.filter((r) => r.status === 201).length,
  unavailable: statuses.filter((r) => r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE').length,
  other: statuses.filter((r) => r.status !== 201 && !(r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE')),
});

async function seatRows(svc: RunningBookingService, concertId: string, seatNumber: number) {
  const { rows } = await svc.deps.db.$client.query(
    `select r.status from booking.reservations r where r.concert_id = $1 and r.seat_number = $2`,
    [concertId, seatNumber],
  );
  return rows as Array<{ status: string }>;
}

describe('one hot seat', () => {
  it('200 concurrent holds on one instance: exactly one wins, the rest get SEAT_UNAVAILABLE', async () => {
    const c = await openConcert(a1);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => a1.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 7 })),
    );
    const t = tally(results);
    expect(t.other).toEqual([]);
    expect(t.ok).toBe(1);
    expect(t.unavailable).toBe(199);
    expect(await seatRows(one, c.id, 7)).toEqual([{ status: 'TEMPORARILY_RESERVED' }]);
  });

  it('200 concurrent holds spread over two instances: exactly one wins', async () => {
    const c = await openConcert(a1);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a1 : a2).post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 3 }),
      ),
    );
    const t = tally(results);
    expect(t.other).toEqual([]);
    expect(t.ok).toBe(1);
    expect(t.unavailable).toBe(199);
    expect(await seatRows(two, c.id, 3)).toHaveLength(1);
  });

  it('without the Redis lock the database alone still lets exactly one of 200 win (two instances)', async () => {
    const c = await openConcert(a1);
    const noLock = (svc: RunningBookingService) => ({ ...svc.deps, config: { ...svc.deps.config, SEAT_LOCK_TTL_MS: 0 } });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        holdSeat(noLock(i % 2 ? one : two), { userId: newUser(), concertId: c.id, seatNumber: 1 }).then(
          () => 'ok',
          (err: unknown) => (err instanceof DomainError ? err.code : String(err)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'SEAT_UNAVAILABLE')).toHaveLength(199);
    expect(await seatRows(one, c.id, 1)).toHaveLength(1);
  });
});

describe('hold rules', () => {
  it('distinct seats are all held', async () => {
    const c = await openConcert(a1, { totalSeats: 40 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a1 : a2).post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: i + 1 }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    const concert = await a2.get(`/internal/concerts/${c.id}`);
    expect(concert.body.availableSeats).toBe(0);
  });

  it('one fan holds at most MAX_HOLDS_PER_USER seats per concert, even asking for 10 at once', async () => {
    const c = await openConcert(a1, { totalSeats: 20 });
    const user = newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a1 : a2).post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: i + 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(6).fill('HOLD_LIMIT_REACHED'));
    // Another concert is another budget.
    const other = await openConcert(a1);
    expect((await a1.post('/internal/reservations', { userId: user, concertId: other.id, seatNumber: 1 })).status).toBe(201);
    // Cancelling one frees one slot.
    const held = results.find((r) => r.status === 201)!.body;
    expect((await a1.delete(`/internal/reservations/${held.id}?userId=${user}`)).status).toBe(200);
    expect((await a1.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 20 })).status).toBe(201);
  });

  it('refuses unknown concerts and seats and closed booking windows', async () => {
    const c = await openConcert(a1, { totalSeats: 5 });
    const user = newUser();
    const hold = (concertId: string, seatNumber: number) =>
      a1.post('/internal/reservations', { userId: user, concertId, seatNumber });
    expect((await hold(newUser(), 1)).body.code).toBe('CONCERT_NOT_FOUND');
    const noSeat = await hold(c.id, 6);
    expect([noSeat.status, noSeat.body.code]).toEqual([404, 'SEAT_NOT_FOUND']);
    await a1.patch(`/internal/concerts/${c.id}`, { status: 'BOOKING_CLOSED' });
    const closed = await hold(c.id, 1);
    expect([closed.status, closed.body.code]).toEqual([409, 'BOOKING_NOT_OPEN']);

    const now = Date.now();
    const later = await a1.post('/internal/concerts', {
      title: 'Later',
      artist: 'A',
      venue: 'V',
      concertDate: '2030-01-01',
      concertTime: '20:00',
      totalSeats: 3,
      price: '10.00',
      bookingStartTime: new Date(now + 3_600_000).toISOString(),
      bookingEndTime: new Date(now + 7_200_000).toISOString(),
    });
    await a1.patch(`/internal/concerts/${later.body.id}`, { status: 'BOOKING_OPEN' });
    expect((await hold(later.body.id, 1)).body.code).toBe('BOOKING_NOT_OPEN');
  });

  it('a concert closed on one replica refuses holds on the other at once, though it knows the concert', async () => {
    const c = await openConcert(a1, { totalSeats: 5 });
    const user = newUser();
    // Replica two has just read the concert for a hold; then replica one closes booking.
    expect((await a2.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 1 })).status).toBe(201);
    expect((await a1.patch(`/internal/concerts/${c.id}`, { status: 'BOOKING_CLOSED' })).status).toBe(200);
    const late = await a2.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 2 });
    expect([late.status, late.body.code]).toEqual([409, 'BOOKING_NOT_OPEN']);
    expect(await seatRows(two, c.id, 2)).toEqual([]);
  });

  it('a hold shows on the seat map at once, on either instance, though the map is cached', async () => {
    const c = await openConcert(a1, { totalSeats: 5 });
    const seatOf = async (a: Api, n: number) =>
      (await a.get(`/internal/concerts/${c.id}/seats`)).body.seats.find((s: { seatNumber: number }) => s.seatNumber === n)
        .status;
    expect(await seatOf(a1, 2)).toBe('AVAILABLE');
    expect(await seatOf(a2, 2)).toBe('AVAILABLE'); // now cached
    const user = newUser();
    const r = await a2.post('/internal/reservations', { userId: user, concertId: c.id, seatNumber: 2 });
    expect(await seatOf(a1, 2)).toBe('TEMPORARILY_RESERVED');
    expect((await a1.get(`/internal/concerts/${c.id}`)).body.availableSeats).toBe(4);
    await a1.delete(`/internal/reservations/${r.body.id}?userId=${user}`);
    expect(await seatOf(a2, 2)).toBe('AVAILABLE');
    expect((await a2.get(`/internal/concerts/${c.id}`)).body.availableSeats).toBe(5);
  });
});

describe('seat taken marks (Redis)', () => {
  const markedRefusals = async (svc: RunningBookingService) =>
    (await svc.deps.metrics.holds.get()).values.find((v) => v.labels.result === 'seat_marked_taken')?.value ?? 0;

  it('a lost seat is refused from Redis, and a cancel clears the mark so the seat is free at once', async () => {
    const c = await openConcert(a1, { totalSeats: 2 });
    const winner = newUser();
    const held = await a1.post('/internal/reservations', { userId: winner, concertId: c.id, seatNumber: 1 });
    expect(held.status).toBe(201);

    const before = await markedRefusals(two);
    const lost = await a2.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 1 });
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('SEAT_UNAVAILABLE');
    expect(await markedRefusals(two)).toBe(before + 1);

    const cancelled = await a2.delete(`/internal/reservations/${held.body.id}?userId=${winner}`);
    expect(cancelled.status).toBe(200);
    const again = await a1.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 1 });
    expect(again.status).toBe(201);
  });
});

describe('a hold refused or answered late never makes a seat unwinnable', () => {
  /** A hold as the gateway sends it: with what is left of the caller's deadline. */
  async function holdWithin(
    svc: RunningBookingService,
    deadlineMs: number,
    body: { userId: string; concertId: string; seatNumber: number; inDoubt?: boolean },
  ) {
    const res = await fetch(`${svc.url}/internal/reservations`, {
      method: 'POST',
      headers: { [INTERNAL_TOKEN_HEADER]: await internalToken(), 'content-type': 'application/json', [DEADLINE_HEADER]: String(deadlineMs) },
      body: JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { id?: string; code?: string } };
  }

  /** Holds the seat's row lock in a transaction of our own, so a hold stalls on it until `free()`. */
  async function stallSeat(concertId: string, seatNumber: number) {
    const client = await one.deps.db.$client.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM booking.seats WHERE concert_id = $1 AND seat_number = $2 FOR UPDATE', [concertId, seatNumber]);
    return {
      free: async () => {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  }

  it('a fan whose hold committed but whose answer was lost gets that hold again when retrying in doubt, on either replica, even at the hold limit', async () => {
    const c = await openConcert(a1, { totalSeats: 10 });
    const fan = newUser();
    const held = await Promise.all([1, 2, 3, 4].map((seatNumber) => a1.post('/internal/reservations', { userId: fan, concertId: c.id, seatNumber })));
    expect(held.map((r) => r.status)).toEqual([201, 201, 201, 201]);

    // The answer for seat 2 never reached the fan (the gateway answered 503 and says so on the
    // retry): the retry, on the replica that set the Redis mark or on the other, is the same hold.
    for (const a of [a1, a2]) {
      const again = await a.post('/internal/reservations', { userId: fan, concertId: c.id, seatNumber: 2, inDoubt: true });
      expect([again.status, again.body.id]).toEqual([201, held[1]!.body.id]);
    }
    // Without that, asking again for one's own seat is refused as before.
    const solo = newUser();
    expect((await a1.post('/internal/reservations', { userId: solo, concertId: c.id, seatNumber: 6 })).status).toBe(201);
    const repeated = await a2.post('/internal/reservations', { userId: solo, concertId: c.id, seatNumber: 6 });
    expect([repeated.status, repeated.body.code]).toEqual([409, 'SEAT_UNAVAILABLE']);
    expect(await seatRows(one, c.id, 2)).toEqual([{ status: 'TEMPORARILY_RESERVED' }]);
    // Everybody else is still refused, and the fan's limit still counts each seat once.
    const other = await a2.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 2 });
    expect([other.status, other.body.code]).toEqual([409, 'SEAT_UNAVAILABLE']);
    const fifth = await a2.post('/internal/reservations', { userId: fan, concertId: c.id, seatNumber: 5 });
    expect([fifth.status, fifth.body.code]).toEqual([409, 'HOLD_LIMIT_REACHED']);
  });

  it('a hold whose deadline passes mid-way is refused with 503 and leaves nothing: no row, no mark, the seat is won next', async () => {
    const c = await openConcert(a1, { totalSeats: 3 });
    const stall = await stallSeat(c.id, 1);
    const late = holdWithin(one, 300, { userId: newUser(), concertId: c.id, seatNumber: 1 });
    await new Promise((r) => setTimeout(r, 500));
    await stall.free();
    const refused = await late;
    expect([refused.status, refused.body.code]).toEqual([503, 'DEADLINE_EXCEEDED']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await seatRows(one, c.id, 1)).toEqual([]);
    expect(await one.deps.redis.exists(`seat:taken:{${c.id}}:1`)).toBe(0);
    const next = await a2.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 1 });
    expect(next.status).toBe(201);
  });

  it("the fan's retry while its first attempt still runs (and then misses its deadline) wins the seat; strangers are refused", async () => {
    const c = await openConcert(a1, { totalSeats: 3 });
    const fan = newUser();
    const stall = await stallSeat(c.id, 2);
    // The first attempt takes the seat's Redis lock, then waits on the row past its deadline.
    const first = holdWithin(one, 300, { userId: fan, concertId: c.id, seatNumber: 2 });
    await new Promise((r) => setTimeout(r, 150));
    const stranger = await a2.post('/internal/reservations', { userId: newUser(), concertId: c.id, seatNumber: 2 });
    expect([stranger.status, stranger.body.code]).toEqual([409, 'SEAT_UNAVAILABLE']);
    // The gateway answered the first attempt 503 and the fan retried at once, on the other replica.
    const retry = holdWithin(two, 5000, { userId: fan, concertId: c.id, seatNumber: 2, inDoubt: true });
    await new Promise((r) => setTimeout(r, 350));
    await stall.free();
    expect((await first).status).toBe(503);
    const won = await retry;
    expect(won.status, JSON.stringify(won.body)).toBe(201);
    expect(await seatRows(one, c.id, 2)).toEqual([{ status: 'TEMPORARILY_RESERVED' }]);
  });
});
