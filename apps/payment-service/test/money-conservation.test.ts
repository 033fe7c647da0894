import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromCents, TOPICS, toCents } from '@concert/contracts';
import { eventually } from '@concert/testing';
import type { RunningService } from '../src/start';
import { EventFeeder, client, dbPool, newPrefix, newUser, seatReserved, startPayment, type Client } from './support';

/**
 * 1,000 concurrent charges and payments over a few users, spread over two instances of the
 * service sharing one database (one with the optional Redis balance lock, one without).
 * The books must balance whatever the interleaving.
 */
const prefix = newPrefix();
const pool = dbPool();
let a: RunningService;
let b: RunningService;
let feeder: EventFeeder;

beforeAll(async () => {
  [a, b] = await Promise.all([startPayment(prefix), startPayment(prefix, { BALANCE_LOCK: 'true' })]);
  feeder = await EventFeeder.create(prefix);
});
afterAll(async () => {
  await feeder?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await pool.end();
});

const cents = (min: number, max: number) => fromCents(BigInt(randomInt(min, max)));

it('conserves money under 1,000 concurrent mixed requests on two instances', { timeout: 90_000 }, async () => {
  const calls: Client[] = [client(a.url), client(b.url)];
  const users = await Promise.all(Array.from({ length: 4 }, (_, i) => newUser(calls[0]!, `conserve${i}`)));
  const userIds = users.map((u) => u.id);

  // 200 holds, learnt through the consumer path (seat-reserved on Kafka).
  const holds = Array.from({ length: 200 }, (_, i) => seatReserved({ userId: userIds[i % userIds.length]!, price: cents(1000, 6000) }));
  await feeder.sendMany(TOPICS.seatReserved, holds);
  await eventually(
    async () => {
      const { rows } = await pool.query('select count(*)::int as n from payment.payable_reservations where reservation_id = any($1::uuid[])', [
        holds.map((h) => h.payload.reservationId),
      ]);
      expect(rows[0].n).toBe(holds.length);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );

  type Op = () => Promise<{ kind: string; status: number; body: Record<string, unknown> }>;
  const ops: Op[] = [];
  const on = (i: number) => calls[i % 2]!;
  // 400 one-off charges.
  for (let i = 0; i < 400; i++) {
    const userId = userIds[randomInt(userIds.length)]!;
    const amount = cents(100, 4000);
    ops.push(async () => ({
      kind: 'charge',
      ...(await on(i)('POST', `/internal/users/${userId}/balance/charge`, { body: { amount }, idempotencyKey: randomUUID() })),
    }));
  }
  // 100 charges sent twice with the same key, once to each instance: each must apply once.
  for (let i = 0; i < 100; i++) {
    const userId = userIds[randomInt(userIds.length)]!;
    const amount = cents(100, 4000);
    const key = randomUUID();
    for (const j of [0, 1]) {
      ops.push(async () => ({
        kind: 'charge-dup',
        ...(await on(j)('POST', `/internal/users/${userId}/balance/charge`, { body: { amount }, idempotencyKey: key })),
      }));
    }
  }
  // Every hold paid twice (different keys, different instances): at most one may succeed.
  for (const h of holds) {
    for (const j of [0, 1]) {
      ops.push(async () => ({
        kind: 'pay',
        ...(await on(j)('POST', '/internal/payments', {
          body: { userId: h.payload.userId, reservationId: h.payload.reservationId },
          idempotencyKey: randomUUID(),
        })),
      }));
    }
  }
  expect(ops).toHaveLength(1000);
  ops.sort(() => Math.random() - 0.5);

  const results = await Promise.all(ops.map((op) => op()));

  const unexpected = results.filter((r) =>
    r.kind === 'pay'
      ? !(r.status === 201 || (r.status === 409 && ['ALREADY_PAID', 'INSUFFICIENT_BALANCE'].includes(String(r.body.code))))
      : r.status !== 200,
  );
  expect(unexpected).toEqual([]);
  const paid = results.filter((r) => r.kind === 'pay' && r.status === 201);
  expect(paid.length).toBeGreaterThan(0);

  // Per user: the ledger sums to the balance, and the balance is never negative.
  const { rows: books } = await pool.query<{ id: string; balance: string; ledger: string }>(
    `select u.id, u.balance::text,
            coalesce(sum(case when t.transaction_type = 'PAYMENT' then -t.amount else t.amount end), 0)::numeric(12,2)::text as ledger
       from payment.users u left join payment.balance_transactions t on t.user_id = u.id
      where u.id = any($1::uuid[]) group by u.id`,
    [userIds],
  );
  for (const row of books) {
    expect(row.ledger).toBe(row.balance);
    expect(toCents(row.balance) >= 0n).toBe(true);
  }

  // Each reservation paid at most once, and exactly the 201s exist as payments.
  const { rows: perReservation } = await pool.query<{ n: number }>(
    `select count(*)::int as n from payment.payments where reservation_id = any($1::uuid[]) and status = 'COMPLETED'
      group by reservation_id having count(*) > 1`,
    [holds.map((h) => h.payload.reservationId)],
  );
  expect(perReservation).toEqual([]);
  const { rows: completed } = await pool.query<{ n: number; total: string | null }>(
    `select count(*)::int as n, sum(amount)::text as total from payment.payments where user_id = any($1::uuid[]) and status = 'COMPLETED'`,
    [userIds],
  );
  expect(completed[0]!.n).toBe(paid.length);
  expect(new Set(paid.map((p) => p.body.reservationId)).size).toBe(paid.length);

  // Money in = money on balances + money paid: nothing created, nothing lost.
  const charged = new Map<string, bigint>();
  for (const r of results.filter((x) => x.kind.startsWith('charge'))) charged.set(String(r.body.transactionId), 0n);
  const { rows: chargeRows } = await pool.query<{ n: number; total: string }>(
    `select count(*)::int as n, coalesce(sum(amount), 0)::text as total from payment.balance_transactions
      where user_id = any($1::uuid[]) and transaction_type = 'CHARGE'`,
    [userIds],
  );
  expect(chargeRows[0]!.n).toBe(500);
  expect(charged.size).toBe(500); // the 100 duplicated keys answered with their first transaction id
  const balances = books.reduce((s, r) => s + toCents(r.balance), 0n);
  expect(balances + toCents(completed[0]!.total ?? '0')).toBe(toCents(chargeRows[0]!.total));

  // Every payment row is internally consistent.
  const { rows: bad } = await pool.query(
    `select id from payment.payments where user_id = any($1::uuid[]) and previous_balance - amount <> remaining_balance`,
    [userIds],
  );
  expect(bad).toEqual([]);
});
