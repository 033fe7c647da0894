import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep, waitFor, type Api, type Platform } from '@concert/testing';
import { reconcile } from '@concert/ops';
import { E2E_DATABASE, e2ePlatform } from './support/platform';
import { infra } from './support/infra';
import { admitted, openConcert } from './support/scenario';

/**
 * Outages of minutes, not seconds: the broker down for 4 minutes, Postgres down for a minute.
 * Nothing is given up on (no DEAD outbox row, no consumer that stops for good), nothing is
 * restarted by hand, and every fan who paid ends with a confirmed seat or the money back.
 */
const HOLD_SECONDS = 150;
const BROKER_OUTAGE_MS = 240_000;
const DATABASE_OUTAGE_MS = 60_000;
const PRICE = '100.00';
const FUNDS = '1000.00';

let platform: Platform;
let api: Api;
let db: pg.Client;

beforeAll(async () => {
  ({ platform, api } = await e2ePlatform({ env: { RESERVATION_HOLD_SECONDS: String(HOLD_SECONDS) } }));
});
afterAll(async () => {
  // Whatever happened above, the shared servers are left running.
  await infra('postgres.sh', 'start').catch(() => undefined);
  await infra('kafka.sh', 'start').catch(() => undefined);
  for (const s of platform?.services ?? []) s.signal('SIGCONT');
  await db?.end().catch(() => undefined);
  await platform?.stop();
});

type Res = { id: string; status: string };

interface Fan {
  token: string;
  queueToken: string;
  reservationId: string;
}

async function fanWithHold(concertId: string, seatNumber: number): Promise<Fan> {
  const fan = await api.newUser();
  await api.charge(fan.token, FUNDS);
  const queueToken = await admitted(api, fan.token, concertId);
  const hold = await api.req<Res>('POST', '/reservations', { token: fan.token, queueToken, body: { concertId, seatNumber } });
  expect(hold.status, JSON.stringify(hold.body)).toBe(201);
  return { token: fan.token, queueToken, reservationId: hold.body.id };
}

async function pay(fan: Fan): Promise<void> {
  const res = await api.req('POST', '/payments', {
    token: fan.token,
    queueToken: fan.queueToken,
    body: { reservationId: fan.reservationId },
    idempotencyKey: randomUUID(),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** CONFIRMED with the price taken, or not confirmed with every won back; anything else is stranded. */
async function outcome(fan: Fan): Promise<'CONFIRMED' | 'REFUNDED' | string> {
  const r = await api.req<Res>('GET', `/reservations/${fan.reservationId}`, { token: fan.token });
  const b = await api.req<{ balance: string }>('GET', '/me/balance', { token: fan.token });
  const paidOnce = (Number(FUNDS) - Number(PRICE)).toFixed(2);
  if (r.body.status === 'CONFIRMED' && b.body.balance === paidOnce) return 'CONFIRMED';
  if (r.body.status !== 'CONFIRMED' && r.body.status !== 'TEMPORARILY_RESERVED' && b.body.balance === FUNDS) return 'REFUNDED';
  return `stranded: ${r.body.status}, balance ${b.body.balance}`;
}

async function superuser(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${E2E_DATABASE}` });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  db ??= await superuser();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params)).rows[0]!.n;
}

async function expectAllReady(): Promise<void> {
  await eventually(
    async () => {
      for (const s of platform.services) {
        expect(s.running, `${s.name}:${s.port} exited`).toBe(true);
        expect(await s.ready(), `${s.name}:${s.port} not ready`).toBe(true);
      }
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

async function expectBooksBalance(): Promise<void> {
  expect(await count(`SELECT 1 FROM booking.outbox WHERE status = 'DEAD' UNION ALL SELECT 1 FROM payment.outbox WHERE status = 'DEAD'`)).toBe(0);
  const report = await reconcile({ database: E2E_DATABASE, settleMs: 60_000 });
  expect(report.violations).toEqual([]);
}

describe('outages of minutes strand nothing', () => {
  it(
    'Kafka down for 4 minutes while fans hold and pay, holds expiring meanwhile: every payer gets the seat or the money back',
    async () => {
      const concert = await openConcert(api, { seats: 20, price: PRICE });
      // Held before the outage, paid during it; their holds expire while the broker is still down.
      const early: Fan[] = [];
      for (const n of [1, 2, 3, 4, 5, 6]) early.push(await fanWithHold(concert.id, n));

      await infra('kafka.sh', 'stop');
      const down = Date.now();
      const late: Fan[] = [];
      try {
        await Promise.all(early.map(pay));
        // Held and paid late in the outage: the holds outlive it, so these should confirm once it ends.
        await sleep(BROKER_OUTAGE_MS - 70_000);
        for (const n of [7, 8, 9, 10]) late.push(await fanWithHold(concert.id, n));
        await Promise.all(late.map(pay));
        // The early holds expired during the outage, and no outbox row gave up on the broker.
        await eventually(async () => expect(await count(`SELECT 1 FROM booking.reservations WHERE id = ANY($1::uuid[]) AND status = 'EXPIRED'`, [early.map((f) => f.reservationId)])).toBe(early.length), {
          timeoutMs: 30_000,
        });
        expect(await count(`SELECT 1 FROM payment.outbox WHERE status = 'PENDING'`)).toBeGreaterThanOrEqual(early.length + late.length);
        await sleep(Math.max(0, BROKER_OUTAGE_MS - (Date.now() - down)));
        expect(await count(`SELECT 1 FROM booking.outbox WHERE status = 'DEAD' UNION ALL SELECT 1 FROM payment.outbox WHERE status = 'DEAD'`)).toBe(0);
      } finally {
        await infra('kafka.sh', 'start');
      }
      const back = Date.now();

      await eventually(
        async () => {
          const outcomes = await Promise.all([...early, ...late].map(outcome));
          expect(outcomes.filter((o) => o !== 'CONFIRMED' && o !== 'REFUNDED')).toEqual([]);
          expect(outcomes.slice(0, early.length).every((o) => o === 'REFUNDED')).toBe(true);
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      const outcomes = await Promise.all([...early, ...late].map(outcome));
      console.info(
        `[outages] broker back for ${((Date.now() - back) / 1000).toFixed(1)} s: ` +
          `${outcomes.filter((o) => o === 'REFUNDED').length} refunded, ${outcomes.filter((o) => o === 'CONFIRMED').length} confirmed`,
      );
      await expectAllReady();
      await expectBooksBalance();
    },
    BROKER_OUTAGE_MS + 300_000,
  );

  it(
    'Postgres down for 60 s with events waiting to be consumed: the consumers resume by themselves and nothing is lost',
    async () => {
      const concert = await openConcert(api, { seats: 20, price: PRICE });
      const admittedFans: Array<{ token: string; queueToken: string; seatNumber: number }> = [];
      // One at a time: signup hashes on purpose, and the login storm is another test's subject.
      for (const seatNumber of [11, 12, 13, 14, 15, 16, 17, 18]) {
        const user = await api.newUser();
        await api.charge(user.token, FUNDS);
        admittedFans.push({ token: user.token, queueToken: await admitted(api, user.token, concert.id), seatNumber });
      }

      // Freeze payment-service so the seat-reserved events of these holds wait in Kafka, take the
      // database away, then thaw it: payment's consumers meet the events with Postgres down, and
      // their handler fails for the whole minute.
      const payment = platform.byName('payment-service');
      for (const p of payment) p.signal('SIGSTOP');
      let fans: Fan[] = [];
      try {
        fans = await Promise.all(
          admittedFans.map(async (f) => {
            const hold = await api.req<Res>('POST', '/reservations', {
              token: f.token,
              queueToken: f.queueToken,
              body: { concertId: concert.id, seatNumber: f.seatNumber },
            });
            expect(hold.status, JSON.stringify(hold.body)).toBe(201);
            return { token: f.token, queueToken: f.queueToken, reservationId: hold.body.id };
          }),
        );
        await eventually(async () => expect(await count(`SELECT 1 FROM booking.outbox WHERE status <> 'SENT'`)).toBe(0), { timeoutMs: 30_000 });
        expect(await count(`SELECT 1 FROM payment.payable_reservations WHERE reservation_id = ANY($1::uuid[])`, [fans.map((f) => f.reservationId)])).toBe(0);
        await db.end();
        db = undefined as unknown as pg.Client;

        await infra('postgres.sh', 'halt');
        try {
          for (const p of payment) p.signal('SIGCONT');
          const until = Date.now() + DATABASE_OUTAGE_MS;
          // Meanwhile payment-service reports not ready, but stays up.
          await waitFor(async () => !(await payment[0]!.ready()), { timeoutMs: 20_000 });
          await sleep(Math.max(0, until - Date.now()));
          expect(payment.every((p) => p.running)).toBe(true);
        } finally {
          await infra('postgres.sh', 'start');
        }
      } finally {
        for (const p of payment) p.signal('SIGCONT');
      }

      // Nobody restarted anything: the consumers applied every waiting event by themselves.
      await eventually(
        async () =>
          expect(await count(`SELECT 1 FROM payment.payable_reservations WHERE reservation_id = ANY($1::uuid[])`, [fans.map((f) => f.reservationId)])).toBe(fans.length),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await expectAllReady();
      await Promise.all(fans.map(pay));
      await eventually(
        async () => expect(await Promise.all(fans.map(outcome))).toEqual(fans.map(() => 'CONFIRMED')),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await expectBooksBalance();
    },
    DATABASE_OUTAGE_MS + 240_000,
  );
});
