/**
 * payment-service throughput: charges/s and payments/s with latency percentiles, against the
 * built service (dist/apps/payment-service/main.js) on real Postgres, Redis and Kafka.
 *
 *   npx tsx bench/payment-throughput.ts [--charges 3000] [--payments 2000] [--users 50]
 *                                       [--concurrency 50] [--replicas 1] [--balance-lock false]
 *
 * Holds are announced the way booking-service does it (seat-reserved on Kafka) before the
 * payment step, so payments/s measures the pay transaction, not the fallback HTTP call.
 * Saves bench/results/payment-throughput.json.
 */
import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { TOPICS, topicName } from '@concert/contracts';
import { createKafka, createKafkaPublisher } from '@concert/messaging';
import { ServiceProcess, uniqueName, waitFor } from '@concert/testing';
import { createLoadClient, type LoadClient } from './lib/http';
import { measure, printTable, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    charges: { type: 'string', default: '3000' },
    payments: { type: 'string', default: '2000' },
    users: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '50' },
    replicas: { type: 'string', default: '1' },
    'balance-lock': { type: 'string', default: 'false' },
    out: { type: 'string', default: 'bench/results/payment-throughput.json' },
  },
});
const CHARGES = Number(values.charges);
const PAYMENTS = Number(values.payments);
const USERS = Number(values.users);
const CONC = Number(values.concurrency);
const REPLICAS = Number(values.replicas);
const DATABASE = 'concert_bench';
const DATABASE_URL = `postgres://payment_svc:payment_svc@127.0.0.1:5432/${DATABASE}`;
const TOKEN = 'bench-internal-token-0123456789';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PRICE = '100.00';

async function main(): Promise<void> {
  execFileSync('bash', ['infra/scripts/db-bootstrap.sh', DATABASE], { stdio: 'inherit' });
  execFileSync('node', ['tools/build-app.mjs', 'payment-service'], { stdio: 'inherit' });
  const prefix = `${uniqueName('pbench')}.`;
  const services = Array.from(
    { length: REPLICAS },
    (_, i) =>
      new ServiceProcess(
        'payment-service',
        19183 + i,
        {
          DATABASE_URL,
          REDIS_URL: 'redis://127.0.0.1:6379/3',
          KAFKA_BROKERS: BROKERS.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          KAFKA_GROUP_ID: `${prefix}payment-service`,
          INTERNAL_TOKEN: TOKEN,
          LOG_LEVEL: 'warn',
          BALANCE_LOCK: String(values['balance-lock']),
          NODE_ENV: 'production',
        },
        `tmp/payment-bench-${i}.log`,
      ),
  );
  for (const s of services) await s.start();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const publisher = createKafkaPublisher(createKafka({ clientId: 'payment-bench', brokers: BROKERS }));
  await publisher.connect();
  try {
    const clients = services.map((s) => createLoadClient(s.url, CONC * 2));
    const call: LoadClient = (method, path, opts) => clients[randomInt(clients.length)]!(method, path, opts);
    const internal = (key?: string) => ({ 'x-internal-token': TOKEN, ...(key ? { 'idempotency-key': key } : {}) });
    const steps: StepResult[] = [];

    // Users (scrypt on purpose: measured, not a target).
    const userIds: string[] = [];
    const signup = await measure(USERS, 8, async () => {
      const res = await call<{ user: { id: string } }>('POST', '/internal/users', {
        body: { email: `bench-${randomUUID()}@bench.test`, name: 'bench', password: 'bench-password-1' },
        headers: internal(),
      });
      if (res.status === 201) userIds.push(res.body.user.id);
      return res.status === 201;
    });
    steps.push(summarize('create user (scrypt)', signup.latencies, signup.errors, signup.seconds));
    const pick = () => userIds[randomInt(userIds.length)]!;

    const charges = await measure(CHARGES, CONC, async () => {
      const res = await call('POST', `/internal/users/${pick()}/balance/charge`, {
        body: { amount: '1000.00' },
        headers: internal(randomUUID()),
      });
      return res.status === 200;
    });
    steps.push(summarize('charge', charges.latencies, charges.errors, charges.seconds));

    const replays = await measure(Math.min(CHARGES, 1000), CONC, async (i) => {
      // The same key twice: the second is an idempotent replay (no second effect).
      const key = `replay-${i}-${prefix.replace(/[^A-Za-z0-9_-]/g, '')}`;
      const userId = userIds[i % userIds.length]!;
      await call('POST', `/internal/users/${userId}/balance/charge`, { body: { amount: '1.00' }, headers: internal(key) });
      const res = await call('POST', `/internal/users/${userId}/balance/charge`, { body: { amount: '1.00' }, headers: internal(key) });
      return res.status === 200;
    });
    steps.push(summarize('charge + replay (pair)', replays.latencies, replays.errors, replays.seconds));

    const reads = await measure(CHARGES, CONC, async () => {
      const res = await call('GET', `/internal/users/${pick()}/balance`, { headers: internal() });
      return res.status === 200;
    });
    steps.push(summarize('balance (cache-aside)', reads.latencies, reads.errors, reads.seconds));

    // Holds, announced on Kafka as booking-service would; wait until all are projected.
    const holds = Array.from({ length: PAYMENTS }, () => ({ reservationId: randomUUID(), userId: pick() }));
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (let i = 0; i < holds.length; i += 500) {
      await publisher.publish(
        holds.slice(i, i + 500).map((h) => ({
          topic: topicName(TOPICS.seatReserved, prefix),
          key: h.reservationId,
          value: JSON.stringify({
            eventId: randomUUID(),
            type: 'seat-reserved',
            version: 1,
            occurredAt: new Date().toISOString(),
            producer: 'booking-service',
            payload: {
              reservationId: h.reservationId,
              concertId: randomUUID(),
              seatId: randomUUID(),
              seatNumber: 1,
              userId: h.userId,
              price: PRICE,
              reservedAt: new Date().toISOString(),
              reservedUntil: until,
            },
          }),
        })),
      );
    }
    const ids = holds.map((h) => h.reservationId);
    await waitFor(
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          'select count(*)::int as n from payment.payable_reservations where reservation_id = any($1::uuid[])',
          [ids],
        );
        return rows[0]!.n === ids.length;
      },
      { timeoutMs: 120_000, intervalMs: 250, message: 'holds not projected in time' },
    );

    const payments = await measure(PAYMENTS, CONC, async (i) => {
      const h = holds[i]!;
      const res = await call('POST', '/internal/payments', {
        body: { userId: h.userId, reservationId: h.reservationId },
        headers: internal(randomUUID()),
      });
      return res.status === 201;
    });
    steps.push(summarize('pay', payments.latencies, payments.errors, payments.seconds));

    // The books after the run: every bench user's ledger sums to its balance.
    const { rows: broken } = await pool.query(
      `select u.id from payment.users u
         left join payment.balance_transactions t on t.user_id = u.id
        where u.id = any($1::uuid[])
        group by u.id, u.balance
       having u.balance <> coalesce(sum(case when t.transaction_type = 'PAYMENT' then -t.amount else t.amount end), 0)`,
      [userIds],
    );

    printTable(`payment-service throughput (${REPLICAS} replica(s), concurrency ${CONC}, balance lock ${values['balance-lock']})`, steps);
    console.log(`ledger mismatches: ${broken.length}`);
    saveJson(values.out as string, {
      benchmark: 'payment-throughput',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      config: { charges: CHARGES, payments: PAYMENTS, users: USERS, concurrency: CONC, replicas: REPLICAS, balanceLock: values['balance-lock'] },
      chargesPerSecond: steps.find((s) => s.step === 'charge')?.rps,
      paymentsPerSecond: steps.find((s) => s.step === 'pay')?.rps,
      steps,
      ledgerMismatches: broken.length,
    });
    if (broken.length > 0) process.exitCode = 1;
  } finally {
    await publisher.disconnect();
    await pool.end();
    await Promise.all(services.map((s) => s.stop()));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
