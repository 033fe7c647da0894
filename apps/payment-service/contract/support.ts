import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createDb, createPool, withTransaction } from '@concert/db';
import { createInternalClient, createLogger, overloadMetrics, serviceTokenSource } from '@concert/service-kit';
import { TEST_INTERNAL_KEY_GATEWAY, testRedisUrl } from '@concert/testing';
import { createApp } from '../src/app';
import { PaymentConfig } from '../src/config';
import { createBalanceCache } from '../src/data-access/balance.cache';
import { migrate } from '../src/data-access/migrations';
import { schema } from '../src/data-access/schema';
import { BENCHMARK_COST, setPasswordCost } from '../src/domain/password';
import { createPaymentMetrics } from '../src/metrics';
import { charge } from '../src/use-cases/balance';
import type { PaymentDeps } from '../src/use-cases/deps';
import { configurePasswordPool } from '../src/use-cases/password-pool';
import { projectSeatReserved } from '../src/use-cases/reservation-projection';
import { signup } from '../src/use-cases/users';
import { TEST_DATABASE_URL } from '../test/support';

/**
 * payment-service's real use cases on the Postgres and Redis of its own tests, with no Kafka
 * (outbox rows it writes carry a topic prefix of its own and are read back or deleted, never
 * relayed) and booking-service at `bookingUrl` (a pact mock server, or nothing).
 */
export async function paymentDeps(bookingUrl = 'http://127.0.0.1:9') {
  const topicPrefix = `pact${randomBytes(4).toString('hex')}.`;
  const config = PaymentConfig.parse({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: await testRedisUrl(),
    INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    BOOKING_SERVICE_URL: bookingUrl,
  });
  await migrate(config.DATABASE_URL, config.MIGRATIONS_DIR);
  // Contract tests check shapes, not hashing cost.
  setPasswordCost(BENCHMARK_COST);
  const metrics = createPaymentMetrics();
  configurePasswordPool({ concurrency: 1, maxWaitMs: 5000, metrics: overloadMetrics(metrics.registry) });
  const pool = createPool(config.DATABASE_URL, { max: 4, applicationName: 'payment-pact' });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const deps: PaymentDeps = {
    config,
    db: createDb(pool, schema),
    redis,
    cache: createBalanceCache(redis, config.BALANCE_CACHE_TTL_SECONDS),
    booking: createInternalClient(config.BOOKING_SERVICE_URL, serviceTokenSource('payment-service', config.INTERNAL_KEY_PAYMENT, 'booking-service')),
    logger: createLogger('payment-service', 'silent'),
    metrics,
  };
  return {
    deps,
    pool,
    topicPrefix,
    async close() {
      await pool.query('delete from payment.outbox where topic like $1', [`${topicPrefix}%`]);
      await deps.booking.close();
      await redis.quit();
      await pool.end();
    },
  };
}
export type PaymentFixture = Awaited<ReturnType<typeof paymentDeps>>;

/** The same, plus its real express app (createApp) for the verifier to serve. */
export async function paymentProvider() {
  const p = await paymentDeps();
  return { ...p, app: createApp(p.deps, { logger: p.deps.logger, metrics: p.deps.metrics, readiness: {} }) };
}

export const PASSWORD = 'correct-horse-battery';

/** A fan made through the service's own signup and charge, optionally holding a seat (as seat-reserved would project it). */
export async function fan(d: PaymentDeps, o: { balance?: string; holds?: boolean } = {}) {
  const email = `pact-${randomUUID()}@payment.test`;
  const user = await signup(d.db, { email, name: 'Pact Fan', password: PASSWORD });
  if (o.balance) await charge(d, { userId: user.id, amount: o.balance, idempotencyKey: randomUUID() });
  const reservationId = randomUUID();
  if (o.holds) {
    await withTransaction(d.db, (tx) =>
      projectSeatReserved(tx, {
        reservationId,
        concertId: randomUUID(),
        seatId: randomUUID(),
        seatNumber: 7,
        userId: user.id,
        price: '120000.00',
        reservedAt: new Date().toISOString(),
        reservedUntil: new Date(Date.now() + 300_000).toISOString(),
      }),
    );
  }
  return { userId: user.id, email, reservationId };
}
