import { describe, expect, it } from 'vitest';
import { ApiError, createApi, type BusyState } from './client';

function harness(answers: (Response | Error)[], token = 'tok') {
  const calls: { url: string; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  const busy: (BusyState | undefined)[] = [];
  const ended: string[] = [];
  const limited: number[] = [];
  let now = 1_000_000;
  const api = createApi({
    base: '/api/v1',
    getToken: () => token,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    fetch: async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      const a = answers.shift();
      if (!a) throw new Error('no more answers');
      if (a instanceof Error) throw a;
      return a;
    },
    retry: { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0 },
    events: {
      onBusy: (_id, s) => busy.push(s),
      onRateLimited: (until) => limited.push(until),
      onSessionEnded: (code) => ended.push(code),
      onClockSkew: () => undefined,
    },
  });
  return { api, calls, sleeps, busy, ended, limited, advance: (ms: number) => (now += ms) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { type: 't', title: 't', status, detail: `detail ${code}`, code }, headers);

describe('api client', () => {
  it('retries a 503 by itself after Retry-After, with the same idempotency key, and shows it is waiting', async () => {
    const h = harness([problem(503, 'UPSTREAM_UNAVAILABLE', { 'retry-after': '2' }), problem(503, 'UPSTREAM_UNAVAILABLE'), json(201, { id: 'p1' })]);
    const res = await h.api.post('/payments', { reservationId: 'r' }, { idempotencyKey: 'k1', queueToken: 'q' });
    expect(res).toEqual({ id: 'p1' });
    expect(h.sleeps).toEqual([2000, 2000]);
    expect(h.calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key'])).toEqual(['k1', 'k1', 'k1']);
    expect((h.calls[0]?.init.headers as Record<string, string>)['x-queue-token']).toBe('q');
    expect(h.busy.map((b) => b?.attempt)).toEqual([1, 2, undefined]);
  });

  it('gives up after the retry budget with the busy message', async () => {
    const h = harness([1, 2, 3, 4].map(() => problem(503, 'UPSTREAM_UNAVAILABLE', { 'retry-after': '1' })));
    await expect(h.api.get('/concerts')).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', message: 'The platform is very busy right now.' });
    expect(h.calls).toHaveLength(4);
  });

  it('honours a 429: refuses fan actions until Retry-After has passed, pollers wait it out', async () => {
    const h = harness([problem(429, 'RATE_LIMITED', { 'retry-after': '5' }), json(200, { items: [] })]);
    const err = await h.api.post('/reservations', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 5 });
    expect(h.limited).toHaveLength(1);
    // A fan action inside the window is refused without a request.
    await expect(h.api.post('/reservations', {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(h.calls).toHaveLength(1);
    expect(h.api.cooldownSeconds()).toBe(5);
    // A poller sleeps until the window ends, then asks.
    await h.api.get('/concerts', { onCooldown: 'wait' });
    expect(h.sleeps).toEqual([5000]);
    expect(h.calls).toHaveLength(2);
  });

  it('reports an ended session (expired, replaced) once, and not for a failed login', async () => {
    const h = harness([problem(401, 'TOKEN_REVOKED'), problem(401, 'INVALID_CREDENTIALS')]);
    await expect(h.api.get('/me')).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    await expect(h.api.post('/auth/login', {}, { auth: false })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(h.ended).toEqual(['TOKEN_REVOKED']);
  });

  it('resends after a network failure only when that cannot repeat a write', async () => {
    const h = harness([new TypeError('fetch failed'), json(200, { balance: '1.00' }), new TypeError('fetch failed')]);
    expect(await h.api.get('/me/balance')).toEqual({ balance: '1.00' });
    await expect(h.api.post('/reservations', { seatNumber: 1 })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(h.calls).toHaveLength(3);
  });

  it('maps problem codes to clear words and keeps field errors', async () => {
    const h = harness([
      json(400, { type: 't', title: 't', status: 400, detail: 'd', code: 'VALIDATION_FAILED', errors: [{ path: 'amount', message: 'must be > 0' }] }),
      problem(409, 'SEAT_UNAVAILABLE'),
      problem(410, 'RESERVATION_EXPIRED'),
    ]);
    await expect(h.api.post('/me/balance/charge', {})).rejects.toMatchObject({ fieldErrors: [{ path: 'amount', message: 'must be > 0' }] });
    await expect(h.api.post('/reservations', {})).rejects.toMatchObject({ message: expect.stringContaining('someone else has just taken this seat') });
    await expect(h.api.post('/payments', {})).rejects.toMatchObject({ message: expect.stringContaining('hold has expired') });
  });
});
