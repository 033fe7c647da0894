import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import type { RequestHandler } from 'express';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { createDb, createPool } from '@concert/db';
import { createLogger, createMetrics } from '@concert/service-kit';
import { testRedisUrl } from '@concert/testing';
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
import { DATABASE_URL, INTERNAL_KEY, internalToken } from '../test/support';

/**
 * booking-service as a provider: its real express app (createApp) on a random port, with the
 * real Postgres and Redis of the service's own tests and no Kafka (the outbox rows it writes
 * are read back by the message verifier and deleted, never relayed). Its topic prefix and
 * BullMQ prefix are its own, so nothing it leaves behind reaches another test.
 */
export async function bookingProvider() {
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `pact${id}.`;
  const bullPrefix = `{pact${id}}`;
  const config = readConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, REDIS_URL: await testRedisUrl(), INTERNAL_KEY_GATEWAY: INTERNAL_KEY, KAFKA_TOPIC_PREFIX: topicPrefix, BULLMQ_PREFIX: bullPrefix });
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
  const app = createApp(deps, { logger, metrics, internalKeys: { gateway: INTERNAL_KEY, payment: config.INTERNAL_KEY_PAYMENT }, readiness: {} });
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  return {
    deps,
    pool,
    topicPrefix,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The verifier replays the consumer's example credential; the provider wants its own. */
    withInternalToken: ((req, _res, next) => {
      internalToken().then((t) => {
        req.headers[INTERNAL_TOKEN_HEADER] = t;
        next();
      }, next);
    }) as RequestHandler,
    async close() {
      await new Promise((ok) => server.close(ok));
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
  const now = Date.now();
  const c = await createConcert(d, {
    title: 'Pact Concert',
    artist: 'Tester',
    venue: 'Hall',
    concertDate: '2030-01-02',
    concertTime: '19:30:00',
    totalSeats: 10,
    price: '120000.00',
    bookingStartTime: new Date(now - 60_000).toISOString(),
    bookingEndTime: new Date(now + 3_600_000).toISOString(),
  });
  await changeConcertStatus(d, c.id, 'BOOKING_OPEN');
  return { concertId: c.id, userId: randomUUID() };
}
