import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createDb, createPool } from '@concert/db';
import { createLogger, createMetrics } from '@concert/service-kit';
import { openConcertDraft, TEST_INTERNAL_KEY_GATEWAY, testRedisUrl } from '@concert/testing';
import { createApp } from '../src/app';
import { readConfig } from '../src/config';
import { ReadThroughCache } from '../src/data-access/cache';
import { createConcertSnapshots } from '../src/data-access/concert-snapshots';
import { ExpiryQueue } from '../src/data-access/expiry-queue';
import { migrate } from '../src/data-access/migrations';
import { schema } from '../src/data-access/schema';
import { bookingMetrics } from '../src/metrics';
import { changeConcertStatus, createConcert } from '../src/use-cases/concerts';
import type { BookingDeps } from '../src/use-cases/deps';
import { eventWriter } from '../src/use-cases/events';
import { DATABASE_URL } from '../test/support';

/**
 * booking-service as a provider: its real express app (createApp) for the verifier to serve, with the
 * real Postgres and Redis of the service's own tests and no Kafka (the outbox rows it writes
 * are read back by the message verifier and deleted, never relayed). Its topic prefix and
 * BullMQ prefix are its own, so nothing it leaves behind reaches another test.
 */
export async function bookingProvider() {
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `pact${id}.`;
  const bullPrefix = `{pact${id}}`;
  const config = readConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, REDIS_URL: await testRedisUrl(), INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY, KAFKA_TOPIC_PREFIX: topicPrefix, BULLMQ_PREFIX: bullPrefix });
  await migrate(config);
  const logger = createLogger('booking-service', 'silent');
  const pool = createPool(config.DATABASE_URL, { max: 4, applicationName: 'booking-pact' });
  const db = createDb(pool, schema);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  const metrics = createMetrics('booking-service');
  const business = bookingMetrics(metrics);
  const deps: BookingDeps = {
    db,
    redis,
    cache: new ReadThroughCache({ redis, logger }),
    concerts: createConcertSnapshots(db, 0),
    expiry: new ExpiryQueue(config.REDIS_URL, bullPrefix, logger),
    events: eventWriter(topicPrefix),
    metrics: business,
    logger,
    config,
  };
  return {
    deps,
    pool,
    topicPrefix,
    app: createApp(deps, { logger, metrics, internalKeys: { gateway: TEST_INTERNAL_KEY_GATEWAY, payment: config.INTERNAL_KEY_PAYMENT }, readiness: {} }),
    async close() {
      await pool.query('delete from booking.outbox where topic like $1', [`${topicPrefix}%`]);
      await deps.expiry.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      await pool.end();
    },
  };
}
export type BookingProvider = Awaited<ReturnType<typeof bookingProvider>>;

/** A concert whose booking window is open now, made through the service's own use cases. */
export async function openConcert(d: BookingDeps) {
  const c = await createConcert(d, openConcertDraft());
  await changeConcertStatus(d, c.id, 'BOOKING_OPEN');
  return { concertId: c.id, userId: randomUUID() };
}
