import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@concert/testing';
import { createDb } from '@concert/db';
import { balanceKey, createBalanceCache } from '../src/data-access/balance.cache';
import { deleteExpiredKeys } from '../src/data-access/idempotency.repository';
import { schema } from '../src/data-access/schema';
import { legacyScryptHash } from '../src/domain/password';
import type { RunningService } from '../src/start';
import { charge, client, dbPool, ledgerOf, newPrefix, newUser, startPayment, type Client } from './support';

const prefix = newPrefix();
const adminEmail = `admin-${randomUUID()}@payment.test`;
let svc: RunningService;
let call: Client;
let redis: Redis;
const pool = dbPool();

beforeAll(async () => {
  svc = await startPayment(prefix, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: 'admin-password-1', IDEMPOTENCY_WAIT_MS: '1000' });
  call = client(svc.url);
  redis = new Redis(await testRedisUrl());
});
afterAll(async () => {
  await svc?.stop();
  await pool.end();
  redis?.disconnect();
});

describe('users', () => {
  it('creates a user, refuses a second account with the same email (any case)', async () => {
    const email = `Fan-${randomUUID()}@Payment.Test`;
    const first = await call('POST', '/internal/users', { body: { email, name: 'Fan', phone: '010-1234-5678', password: 'password-1' } });
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ email: email.toLowerCase(), name: 'Fan', phone: '010-1234-5678', role: 'user' });
    const again = await call('POST', '/internal/users', { body: { email: email.toLowerCase(), name: 'Other', password: 'password-2' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EMAIL_TAKEN');
    const { rows } = await pool.query('select password_hash from payment.users where email = $1', [email.toLowerCase()]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0].password_hash).not.toContain('password-1');
  });

  it('signup is safe to retry: the same email and password is the same user again, another password 409', async () => {
    const email = `retry-${randomUUID()}@payment.test`;
    const body = { email, name: 'Fan', password: 'password-1' };
    const [a, b] = await Promise.all([call('POST', '/internal/users', { body }), call('POST', '/internal/users', { body })]);
    const c = await call('POST', '/internal/users', { body });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a, b, c].map((r) => (r.body.user as { id: string }).id)).size).toBe(1);
    const other = await call('POST', '/internal/users', { body: { ...body, password: 'password-2' } });
    expect([other.status, other.body.code]).toEqual([409, 'EMAIL_TAKEN']);
  });

  it('a signup whose deadline cannot be met is refused with 503 + Retry-After and writes nothing', async () => {
    for (const ms of ['0', '150']) {
      const email = `late-${randomUUID()}@payment.test`;
      const r = await call('POST', '/internal/users', { body: { email, name: 'Late', password: 'password-1' }, headers: { 'x-request-deadline-ms': ms } });
      expect([r.status, r.body.code]).toEqual([503, 'DEADLINE_EXCEEDED']);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const { rowCount } = await pool.query('select 1 from payment.users where email = $1', [email]);
      expect(rowCount).toBe(0);
    }
  });

  it('an old scrypt hash still logs in and is upgraded to argon2id on that login', async () => {
    const u = await newUser(call);
    await pool.query('update payment.users set password_hash = $2 where id = $1', [u.id, await legacyScryptHash(u.password, 2 ** 10)]);
    const ok = await call('POST', '/internal/users/verify', { body: { email: u.email, password: u.password } });
    expect(ok.status).toBe(200);
    const { rows } = await pool.query('select password_hash from payment.users where id = $1', [u.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect((await call('POST', '/internal/users/verify', { body: { email: u.email, password: u.password } })).status).toBe(200);
  });

  it('rejects bad signup input with 400 VALIDATION_FAILED', async () => {
    const res = await call('POST', '/internal/users', { body: { email: 'not-an-email', name: '', password: 'short' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('verifies credentials; a wrong password and an unknown email are the same 401', async () => {
    const u = await newUser(call);
    const ok = await call<{ user: { id: string; role: string } }>('POST', '/internal/users/verify', {
      body: { email: u.email.toUpperCase(), password: u.password },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: u.id, role: 'user' });

    const t0 = performance.now();
    const wrong = await call('POST', '/internal/users/verify', { body: { email: u.email, password: 'wrong-password' } });
    const t1 = performance.now();
    const unknown = await call('POST', '/internal/users/verify', { body: { email: `nobody-${randomUUID()}@x.io`, password: 'whatever1' } });
    const t2 = performance.now();
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    // Both paths run one hash: an unknown email is not answered visibly faster.
    expect(t2 - t1).toBeGreaterThan((t1 - t0) * 0.4);
  });

  it('GET user; unknown or malformed id is 404 USER_NOT_FOUND', async () => {
    const u = await newUser(call);
    expect((await call('GET', `/internal/users/${u.id}`)).body).toMatchObject({ id: u.id, email: u.email, role: 'user' });
    expect((await call('GET', `/internal/users/${randomUUID()}`)).body.code).toBe('USER_NOT_FOUND');
    expect((await call('GET', '/internal/users/nope')).status).toBe(404);
  });

  it('refuses internal routes without the internal token', async () => {
    const res = await call('GET', `/internal/users/${randomUUID()}`, { token: null });
    expect(res.status).toBe(403);
  });

  it('creates the configured first admin once, also when replicas start together', async () => {
    const [a, b] = await Promise.all([
      startPayment(prefix, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: 'admin-password-1', KAFKA_GROUP_ID: `${prefix}a` }),
      startPayment(prefix, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: 'admin-password-1', KAFKA_GROUP_ID: `${prefix}b` }),
    ]);
    await Promise.all([a.stop(), b.stop()]);
    const { rows } = await pool.query('select role::text from payment.users where email = $1', [adminEmail]);
    expect(rows).toEqual([{ role: 'admin' }]);
    const login = await call<{ user: { role: string } }>('POST', '/internal/users/verify', {
      body: { email: adminEmail, password: 'admin-password-1' },
    });
    expect(login.body.user.role).toBe('admin');
  });
});

describe('charge', () => {
  it.each([['0'], ['0.00'], ['-5'], ['1000000.01'], ['10.001'], ['abc'], [''], [12.345]])(
    'refuses amount %j with 400 VALIDATION_FAILED',
    async (amount) => {
      const u = await newUser(call);
      const res = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount }, idempotencyKey: randomUUID() });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await ledgerOf(pool, u.id)).rows).toBe(0);
    },
  );

  it('requires a well-formed Idempotency-Key', async () => {
    const u = await newUser(call);
    const missing = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '10' } });
    const bad = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '10' }, idempotencyKey: 'has space' });
    expect([missing.status, bad.status]).toEqual([400, 400]);
  });

  it('charges, writes one CHARGE ledger row, accepts the maximum and refuses a JSON number', async () => {
    const u = await newUser(call);
    const a = await charge(call, u.id, '1000000.00');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ balance: '1000000.00', transactionId: expect.stringMatching(/^\d+$/) });
    const b = await call<{ balance: string }>('POST', `/internal/users/${u.id}/balance/charge`, {
      body: { amount: '0.5' },
      idempotencyKey: randomUUID(),
    });
    expect(b.body.balance).toBe('1000000.50');
    const n = await call<{ code: string; errors: Array<{ path: string }> }>('POST', `/internal/users/${u.id}/balance/charge`, {
      body: { amount: 5 },
      idempotencyKey: randomUUID(),
    });
    expect([n.status, n.body.code, n.body.errors[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'amount']);
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '1000000.50', ledger: '1000000.50', rows: 2 });
  });

  it('charging an unknown user is 404 and leaves no trace', async () => {
    const res = await charge(call, randomUUID(), '10');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('replays the first response for the same key and body; refuses the key with another body', async () => {
    const u = await newUser(call);
    const key = `charge-${randomUUID()}`;
    const first = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '100' }, idempotencyKey: key });
    const second = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '100.00' }, idempotencyKey: key });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const other = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '200' }, idempotencyKey: key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '100.00', ledger: '100.00', rows: 1 });

    // Keys are per user: another user may use the same key.
    const v = await newUser(call);
    expect((await call('POST', `/internal/users/${v.id}/balance/charge`, { body: { amount: '5' }, idempotencyKey: key })).status).toBe(200);
  });

  it('applies concurrent duplicates once: they wait for the first and get its response', async () => {
    const u = await newUser(call);
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '7.25' }, idempotencyKey: key }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '7.25', ledger: '7.25', rows: 1 });
  });

  it('a duplicate that cannot wait for the in-flight request gets 409 IDEMPOTENCY_REQUEST_IN_PROGRESS', async () => {
    const u = await newUser(call);
    const key = randomUUID();
    // Play the in-flight first request: its uncommitted key row, held open by this test.
    const inflight = await pool.connect();
    try {
      await inflight.query('begin');
      await inflight.query(
        `insert into payment.idempotency_keys (user_id, scope, key, request_hash) values ($1, 'charge', $2, 'x')`,
        [u.id, key],
      );
      const t0 = Date.now();
      const res = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '1' }, idempotencyKey: key });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    } finally {
      await inflight.query('rollback');
      inflight.release();
    }
    // The first request failed (rolled back): the key is free and the retry applies once.
    const retry = await call('POST', `/internal/users/${u.id}/balance/charge`, { body: { amount: '1' }, idempotencyKey: key });
    expect(retry.status).toBe(200);
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '1.00', ledger: '1.00', rows: 1 });
  });

  it('forgets idempotency keys past their retention', async () => {
    const u = await newUser(call);
    const [oldKey, newKey] = [randomUUID(), randomUUID()];
    await charge(call, u.id, '1');
    await pool.query(
      `insert into payment.idempotency_keys (user_id, scope, key, request_hash, created_at)
       values ($1, 'charge', $2, 'x', now() - interval '25 hours'), ($1, 'charge', $3, 'x', now() - interval '23 hours')`,
      [u.id, oldKey, newKey],
    );
    expect(await deleteExpiredKeys(createDb(pool, schema), 24)).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query('select key from payment.idempotency_keys where user_id = $1 and key = any($2)', [u.id, [oldKey, newKey]]);
    expect(rows).toEqual([{ key: newKey }]);
  });

  it('concurrent charges of one user all land: the ledger sums to the balance', async () => {
    const u = await newUser(call);
    const results = await Promise.all(Array.from({ length: 50 }, () => charge(call, u.id, '1.01')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await ledgerOf(pool, u.id)).toEqual({ balance: '50.50', ledger: '50.50', rows: 50 });
    const { rows } = await pool.query(
      `select count(*)::int as n from payment.balance_transactions
        where user_id = $1 and new_balance = previous_balance + amount`,
      [u.id],
    );
    expect(rows[0].n).toBe(50);
  });
});

describe('balance and transactions', () => {
  it('serves the balance from the cache and never shows an old balance after a change', async () => {
    const u = await newUser(call);
    expect((await call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '0.00' });
    expect(await redis.get(balanceKey(u.id))).toMatch(/:0\.00$/);
    expect(await redis.ttl(balanceKey(u.id))).toBeGreaterThan(290);
    await charge(call, u.id, '30');
    expect((await call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '30.00' });
    // A reader that loaded the balance before the charge (version 0) cannot put it back.
    await createBalanceCache(redis, 300).put(u.id, '0.00', 0);
    expect((await call('GET', `/internal/users/${u.id}/balance`)).body).toEqual({ balance: '30.00' });
    expect((await call('GET', `/internal/users/${randomUUID()}/balance`)).status).toBe(404);
  });

  it('lists transactions newest first with an opaque cursor', async () => {
    const u = await newUser(call);
    for (const amount of ['1', '2', '3', '4', '5']) await charge(call, u.id, amount);
    type Page = { items: Array<{ id: string; type: string; amount: string; previousBalance: string; newBalance: string; relatedId: string | null; description: string | null; createdAt: string }>; nextCursor: string | null };
    const p1 = await call<Page>('GET', `/internal/users/${u.id}/balance/transactions?limit=2`);
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((i) => i.amount)).toEqual(['5.00', '4.00']);
    expect(p1.body.items[0]).toEqual({
      id: expect.any(String),
      type: 'CHARGE',
      amount: '5.00',
      previousBalance: '10.00',
      newBalance: '15.00',
      relatedId: null,
      description: 'Balance charge',
      createdAt: expect.stringMatching(/Z$/),
    });
    const p2 = await call<Page>('GET', `/internal/users/${u.id}/balance/transactions?limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items.map((i) => i.amount)).toEqual(['3.00', '2.00']);
    const p3 = await call<Page>('GET', `/internal/users/${u.id}/balance/transactions?limit=2&cursor=${p2.body.nextCursor}`);
    expect(p3.body.items.map((i) => i.amount)).toEqual(['1.00']);
    expect(p3.body.nextCursor).toBeNull();
    const all = await call<Page>('GET', `/internal/users/${u.id}/balance/transactions`);
    expect(all.body.items).toHaveLength(5);
    expect((await call('GET', `/internal/users/${u.id}/balance/transactions?limit=0`)).status).toBe(400);
    expect((await call('GET', `/internal/users/${u.id}/balance/transactions?cursor=abc`)).status).toBe(400);
  });

  it('exposes business metrics', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/^charges_total\{service="payment-service"\} \d+/m);
    expect(text).toContain('payments_total');
    expect(text).toContain('refunds_total');
    expect(text).toContain('payment_outbox_lag_seconds');
    const ready = await fetch(`${svc.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
