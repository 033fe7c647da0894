/**
 * Plays a whole sale through the gateway: N fans sign up, charge, enqueue for a concert of
 * `seats` seats, get admitted, race for the seats and pay. Prints a table per step and the
 * final invariants; saves JSON to bench/results/sale.json.
 *
 *   npm run bench -- [--fans 10000] [--seats 50] [--concurrency 200] [--url http://127.0.0.1:8080/api/v1]
 *
 * Without --url it starts its own platform (2 booking + 2 payment replicas) on database
 * concert_sale. Signup is measured too, but it is slow on purpose (scrypt) and is not a target.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startPlatform, uniqueName, type Platform } from '@concert/testing';
import { reconcile } from '@concert/ops';
import { createLoadClient } from './lib/http';
import { measure, printTable, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    fans: { type: 'string', default: '10000' },
    seats: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '200' },
    url: { type: 'string' },
    out: { type: 'string', default: 'bench/results/sale.json' },
  },
});
const FANS = Number(values.fans);
const SEATS = Number(values.seats);
const CONC = Number(values.concurrency);
// Its own database, recreated per run: the reconciliation at the end checks the whole database.
const DATABASE = 'concert_sale';
const ADMIN = { email: 'admin@bench.test', password: 'admin-password-bench' };
const PRICE = '120000.00';

async function main(): Promise<void> {
  let platform: Platform | undefined;
  let url = values.url;
  if (!url) {
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`], { stdio: 'inherit' });
    execFileSync('bash', ['infra/scripts/db-bootstrap.sh', DATABASE], { stdio: 'inherit' });
    platform = await startPlatform({
      database: DATABASE,
      redisUrl: 'redis://127.0.0.1:6379/3',
      basePort: 19080,
      topicPrefix: `${uniqueName('bench')}.`,
      replicas: { 'booking-service': 2, 'payment-service': 2 },
      env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' },
      // The sale is measured, not password hashing: 10,000 signups at the production scrypt cost
      // would take ~15 minutes of these 2 cores. Production keeps N = 2^15.
      perService: { 'payment-service': { PASSWORD_SCRYPT_N: '1024' } },
    });
    url = platform.gatewayUrl;
  }
  try {
    const result = await sale(url);
    saveJson(values.out as string, result);
  } finally {
    await platform?.stop();
  }
}

async function sale(url: string) {
  const call = createLoadClient(url, CONC * 2);
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const rows: StepResult[] = [];
  const step = async (name: string, n: number, task: (i: number) => Promise<boolean>, concurrency = CONC) => {
    const m = await measure(n, concurrency, task);
    const row = summarize(name, m.latencies, m.errors, m.seconds);
    rows.push(row);
    console.log(`${name.padEnd(12)} ${row.requests} req, ${row.errors} errors, ${row.rps} req/s, p99 ${row.p99} ms`);
    return row;
  };

  const adminLogin = await call<{ accessToken: string }>('POST', '/auth/login', { body: ADMIN });
  const admin = adminLogin.body.accessToken;
  const now = Date.now();
  const concert = await call<{ id: string }>('POST', '/admin/concerts', {
    headers: auth(admin),
    body: {
      title: `Bench sale ${new Date().toISOString()}`,
      artist: 'Load Test',
      venue: 'Loopback',
      concertDate: '2027-06-01',
      concertTime: '20:00:00',
      totalSeats: SEATS,
      price: PRICE,
      bookingStartTime: new Date(now - 60_000).toISOString(),
      bookingEndTime: new Date(now + 3_600_000).toISOString(),
    },
  });
  const concertId = concert.body.id;
  await call('PATCH', `/admin/concerts/${concertId}`, { headers: auth(admin), body: { status: 'BOOKING_OPEN' } });
  await call('PUT', `/admin/concerts/${concertId}/queue-policy`, {
    headers: auth(admin),
    body: { admitPerSecond: 2000, maxActive: FANS, activeTtlSeconds: 900 },
  });

  const run = randomUUID().slice(0, 8);
  const email = (i: number) => `bench-${run}-${i}@load.test`;
  const tokens: string[] = new Array(FANS);
  const queueTokens: string[] = new Array(FANS);
  const password = 'correct-horse-battery';

  await step('signup', FANS, async (i) => (await call('POST', '/auth/signup', { body: { email: email(i), name: 'fan', password } })).status === 201, 64);
  await step('login', FANS, async (i) => {
    const r = await call<{ accessToken: string }>('POST', '/auth/login', { body: { email: email(i), password } });
    tokens[i] = r.body.accessToken;
    return r.status === 200;
  }, 64);
  await step('charge', FANS, async (i) =>
    (await call('POST', '/me/balance/charge', { headers: { ...auth(tokens[i]!), 'idempotency-key': randomUUID() }, body: { amount: PRICE } })).status === 200);
  await step('enqueue', FANS, async (i) => {
    const r = await call<{ queueToken: string }>('POST', `/concerts/${concertId}/queue/tokens`, { headers: auth(tokens[i]!) });
    queueTokens[i] = r.body.queueToken;
    return r.status === 201;
  });
  const admittedAt = new Array<number>(FANS);
  const t0 = performance.now();
  await step('poll→active', FANS, async (i) => {
    for (;;) {
      const r = await call<{ status: string }>('GET', '/queue/status', { headers: { ...auth(tokens[i]!), 'x-queue-token': queueTokens[i]! } });
      if (r.status !== 200) return false;
      if (r.body.status === 'ACTIVE') {
        admittedAt[i] = performance.now() - t0;
        return true;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  });

  // The race: every fan goes for one seat at once, spread over the seat map.
  const holds: { i: number; reservationId: string }[] = [];
  const holdStatuses: Record<string, number> = {};
  await step('hold (race)', FANS, async (i) => {
    const r = await call<{ id: string; code?: string }>('POST', '/reservations', {
      headers: { ...auth(tokens[i]!), 'x-queue-token': queueTokens[i]! },
      body: { concertId, seatNumber: (i % SEATS) + 1 },
    });
    const key = r.status === 201 ? '201' : `${r.status} ${r.body.code ?? ''}`;
    holdStatuses[key] = (holdStatuses[key] ?? 0) + 1;
    if (r.status === 201) holds.push({ i, reservationId: r.body.id });
    // A lost race is the expected answer, not an error.
    return r.status === 201 || (r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE');
  });

  // Confirmation latency by the servers' own clocks (paidAt → confirmedAt, one Postgres clock):
  // the client polls every 200 ms, as an app would, only to learn it is done; its polling
  // neither loads the platform it measures nor rounds the figure up to its interval.
  const confirmLatency: number[] = [];
  const observedLatency: number[] = [];
  await step('pay', holds.length, async (k) => {
    const { i, reservationId } = holds[k]!;
    const h = { ...auth(tokens[i]!), 'x-queue-token': queueTokens[i]! };
    const r = await call<{ paidAt: string }>('POST', '/payments', { headers: { ...h, 'idempotency-key': randomUUID() }, body: { reservationId } });
    if (r.status !== 201) return false;
    const paid = performance.now();
    for (;;) {
      const g = await call<{ status: string; confirmedAt: string | null }>('GET', `/reservations/${reservationId}`, { headers: auth(tokens[i]!) });
      if (g.body.status === 'CONFIRMED' && g.body.confirmedAt) {
        observedLatency.push(performance.now() - paid);
        confirmLatency.push(Date.parse(g.body.confirmedAt) - Date.parse(r.body.paidAt));
        return true;
      }
      if (performance.now() - paid > 10_000) return false;
      await new Promise((res) => setTimeout(res, 200));
    }
  });
  rows.push(summarize('pay→CONFIRMED', confirmLatency, holds.length - confirmLatency.length, 0));
  rows.push(summarize('  seen by client (200 ms poll)', observedLatency, holds.length - observedLatency.length, 0));

  const report = await reconcile({ database: values.url ? 'concert' : DATABASE, settleMs: 15_000 });
  const seats = await call<{ seats: { status: string }[] }>('GET', `/concerts/${concertId}/seats`);
  const invariants = {
    holds: holds.length,
    expectedHolds: Math.min(SEATS, FANS),
    holdAnswers: holdStatuses,
    reservedSeats: seats.body.seats.filter((s) => s.status === 'RESERVED').length,
    violations: report.violations,
  };
  printTable(`Sale: ${FANS} fans, ${SEATS} seats, concurrency ${CONC}`, rows);
  console.log('invariants', JSON.stringify(invariants, null, 2));
  return { at: new Date().toISOString(), fans: FANS, seats: SEATS, concurrency: CONC, steps: rows, invariants };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
