import { randomUUID } from 'node:crypto';
import { retryDelayMs, type Api, type ApiResponse } from './api-client';
import { sleep } from './wait';

/** What happened to one simulated fan; timings feed the sale benchmark's table. */
export interface FanOutcome {
  userId?: string;
  result: 'PAID' | 'NO_SEAT' | 'GAVE_UP';
  reservationId?: string;
  paymentId?: string;
  seatNumber?: number;
  timings: Partial<Record<FanStep, number>>;
  retries: number;
  errors: string[];
}
export type FanStep = 'signup' | 'charge' | 'enqueue' | 'admitted' | 'hold' | 'pay';

export interface FanOptions {
  concertId: string;
  seats: number;
  price: string;
  /** Keep retrying a step through faults (5xx, refused connections) this long. */
  stepTimeoutMs?: number;
  pollMs?: number;
  /** Seat preference: a fan tries this seat first, then walks the seat map. */
  firstChoice?: number;
}

const transient = (r: ApiResponse | undefined) => !r || r.status >= 500 || r.status === 429;

/**
 * Plays one fan: signup, charge, queue, wait for admission, hold a seat, pay. Every write that
 * can be retried is retried with the SAME idempotency key, as a real client would after a
 * timeout: a fault may cost time, never a second charge.
 */
export async function playFan(api: Api, opts: FanOptions): Promise<FanOutcome> {
  const out: FanOutcome = { result: 'GAVE_UP', timings: {}, retries: 0, errors: [] };
  const stepTimeout = opts.stepTimeoutMs ?? 60_000;
  const retry = async <T>(step: FanStep, fn: () => Promise<ApiResponse<T>>, ok: (r: ApiResponse<T>) => boolean) => {
    const started = Date.now();
    for (;;) {
      let res: ApiResponse<T> | undefined;
      try {
        res = await fn();
      } catch (err) {
        out.errors.push(`${step}: ${(err as Error).message}`);
      }
      if (res && ok(res)) {
        out.timings[step] = Date.now() - started;
        return res;
      }
      // A lost session (Redis restarted and the gateway fails closed) means logging in again.
      if (res?.status === 401 && step !== 'signup') {
        await relogin();
        continue;
      }
      if (res && !transient(res as ApiResponse)) return res;
      if (res) out.errors.push(`${step}: ${res.status}`);
      if (Date.now() - started > stepTimeout) return res;
      out.retries++;
      await sleep((res && retryDelayMs(res as ApiResponse)) ?? 250);
    }
  };

  const email = `fan-${randomUUID()}@load.test`;
  const password = 'correct-horse-battery';
  let token = '';
  async function relogin(): Promise<void> {
    out.retries++;
    const r = await api.req<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } }).catch(() => undefined);
    if (r?.status === 200) token = r.body.accessToken;
    else await sleep(250);
  }
  const signup = await retry('signup', () => api.req<{ user: { id: string } }>('POST', '/auth/signup', { body: { email, name: 'fan', password } }),
    (r) => r.status === 201 || r.status === 409);
  if (!signup || (signup.status !== 201 && signup.status !== 409)) return out;
  const login = await retry('signup', () => api.req<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } }), (r) => r.status === 200);
  if (login?.status !== 200) return out;
  token = login.body.accessToken;
  if (signup.status === 201) out.userId = signup.body.user.id;

  const chargeKey = randomUUID();
  const charge = await retry('charge', () => api.req('POST', '/me/balance/charge', { token, body: { amount: opts.price }, idempotencyKey: chargeKey }), (r) => r.status === 200);
  if (charge?.status !== 200) return out;

  let queueToken = '';
  const enqueue = async () => {
    const r = await retry('enqueue', () => api.req<{ queueToken: string; status: string }>('POST', `/concerts/${opts.concertId}/queue/tokens`, { token }),
      (x) => x.status === 201 || x.status === 200);
    if (r && (r.status === 201 || r.status === 200)) queueToken = r.body.queueToken;
    return !!queueToken;
  };
  /** Polls until ACTIVE; a lost place (Redis restarted, idle eviction) means queueing again, as a fan would. */
  const waitActive = async (): Promise<boolean> => {
    const since = Date.now();
    for (;;) {
      if (Date.now() - since > stepTimeout * 2) return false;
      const s = await api.req<{ status: string }>('GET', '/queue/status', { token, queueToken }).catch(() => undefined);
      if (s?.status === 401) await relogin();
      if (s?.body.status === 'ACTIVE') return true;
      if ((s?.body.status === 'EXPIRED' || s?.status === 403) && !(await enqueue())) return false;
      await sleep(opts.pollMs ?? 200);
    }
  };
  /** A step the gateway refused because the queue slot is gone: back to the queue, then try again. */
  let readmissions = 0;
  const slotLost = async (r: ApiResponse<{ code?: string }> | undefined): Promise<boolean> => {
    if (r?.status !== 403 || !String(r.body.code).startsWith('QUEUE_TOKEN') || readmissions++ >= 5) return false;
    out.errors.push(`queue slot lost (${r.body.code}); queueing again`);
    return (await enqueue()) && (await waitActive());
  };

  if (!(await enqueue())) return out;
  const admittedAt = Date.now();
  if (!(await waitActive())) return out;
  out.timings.admitted = Date.now() - admittedAt;

  const first = opts.firstChoice ?? 1 + Math.floor(Math.random() * opts.seats);
  for (let i = 0; i < opts.seats; i++) {
    const seatNumber = ((first - 1 + i) % opts.seats) + 1;
    const hold = await retry('hold', () => api.req<{ id: string; code?: string }>('POST', '/reservations', { token, queueToken, body: { concertId: opts.concertId, seatNumber } }),
      (r) => r.status === 201);
    if (hold?.status === 201) {
      out.reservationId = hold.body.id;
      out.seatNumber = seatNumber;
      break;
    }
    if (hold?.status === 409 && hold.body.code === 'SEAT_UNAVAILABLE') {
      if (i % 5 === 4 && (await soldOut(api, opts.concertId))) break;
      continue;
    }
    if (await slotLost(hold)) {
      i--;
      continue;
    }
    out.errors.push(`hold: ${hold?.status} ${JSON.stringify(hold?.body)}`);
    return out;
  }
  if (!out.reservationId) {
    out.result = 'NO_SEAT';
    return out;
  }

  const payKey = randomUUID();
  let pay: ApiResponse<{ id: string; status: string; code?: string }> | undefined;
  do {
    pay = await retry('pay', () => api.req<{ id: string; status: string; code?: string }>('POST', '/payments', { token, queueToken, body: { reservationId: out.reservationId }, idempotencyKey: payKey }),
      (r) => r.status === 201);
  } while (pay?.status !== 201 && (await slotLost(pay)));
  if (pay?.status === 201) {
    out.paymentId = pay.body.id;
    out.result = 'PAID';
  } else {
    out.errors.push(`pay: ${pay?.status} ${JSON.stringify(pay?.body)}`);
  }
  return out;
}

async function soldOut(api: Api, concertId: string): Promise<boolean> {
  const c = await api.req<{ availableSeats: number }>('GET', `/concerts/${concertId}`).catch(() => undefined);
  return c?.status === 200 && c.body.availableSeats === 0;
}

/** One line for a failed assertion: results by kind and the most frequent errors fans met. */
export function describeOutcomes(outcomes: FanOutcome[]): string {
  const count = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())];
  const results = count(outcomes.map((o) => o.result)).map(([k, n]) => `${k} ${n}`).join(', ');
  const errors = count(outcomes.flatMap((o) => o.errors.map((e) => e.slice(0, 160))))
    .sort((a, b) => b[1] - a[1]).slice(0, 8).map(([e, n]) => `${n}× ${e}`).join('; ');
  return `${results}${errors ? `; errors: ${errors}` : ''}`;
}
