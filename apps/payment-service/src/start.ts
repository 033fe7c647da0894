import { BENCHMARK_COST, OWASP_ARGON2ID, setPasswordCost } from './domain/password';
import { configurePasswordPool, defaultHashConcurrency } from './use-cases/password-pool';
import { TOPIC_PARTITIONS, TOPICS, topicName } from '@concert/contracts';
import { createDb, createPool, deleteOldInboxRows, startOutboxRelay } from '@concert/db';
import { migrate } from './data-access/migrations';
import { createKafka, createKafkaPublisher, createKafkaSubscriber, deadLetterTopic, ensureTopics } from '@concert/messaging';
import { adminPasswordProblem, checkSecrets, createInternalClient, createLogger, createRedis, every, exitNonZero, internalKeyProblem, serve, overloadMetrics, serviceTokenSource, dependencyReadiness } from '@concert/service-kit';
import { createApp } from './app';
import type { PaymentConfig } from './config';
import { createBalanceCache } from './data-access/balance.cache';
import { deleteExpiredKeys } from './data-access/idempotency.repository';
import { DB_SCHEMA, inbox, schema } from './data-access/schema';
import { createEventDispatcher, type EventHandler } from './use-cases/event-dispatcher';
import { paymentRefundRequestedConsumer } from './entry-points/messaging/payment-refund-requested.consumer';
import {
  reservationCancelledConsumer,
  reservationExpiredConsumer,
  seatReservedConsumer,
} from './entry-points/messaging/reservation-events.consumer';
import { createPaymentMetrics } from './metrics';
import type { PaymentDeps } from './use-cases/deps';
import { ensureFirstAdmin } from './use-cases/users';
import type { z } from 'zod';

export const SERVICE = 'payment-service';

export interface RunningService {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Wires the service and starts serving; tests call it in-process, main.ts calls it once. */
export async function start(config: PaymentConfig): Promise<RunningService> {
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  checkSecrets(
    config.NODE_ENV,
    [
      internalKeyProblem('INTERNAL_KEY_GATEWAY', config.INTERNAL_KEY_GATEWAY),
      internalKeyProblem('INTERNAL_KEY_PAYMENT', config.INTERNAL_KEY_PAYMENT),
      adminPasswordProblem(config.ADMIN_PASSWORD),
    ],
    logger,
  );
  const benchmarkCost = config.PASSWORD_SCRYPT_N !== undefined && config.PASSWORD_SCRYPT_N < 2 ** 15;
  setPasswordCost(benchmarkCost ? BENCHMARK_COST : { ...OWASP_ARGON2ID, memoryKiB: config.PASSWORD_HASH_MEMORY_KIB });
  if (config.MIGRATE_ON_START) {
    await migrate(config.DATABASE_URL, config.MIGRATIONS_DIR);
  }
  const pool = createPool(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: SERVICE, statementTimeoutMs: 30_000 });
  const db = createDb(pool, schema);
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));
  const metrics = createPaymentMetrics();
  configurePasswordPool({
    concurrency: config.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(),
    maxWaitMs: config.PASSWORD_HASH_MAX_WAIT_MS,
    metrics: overloadMetrics(metrics.registry),
  });

  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const consumed: EventHandler<z.ZodTypeAny>[] = [
    seatReservedConsumer,
    reservationExpiredConsumer,
    reservationCancelledConsumer,
    paymentRefundRequestedConsumer,
  ];
  const produced = [TOPICS.paymentCompleted, TOPICS.paymentRefunded];
  await ensureTopics(
    kafka,
    [
      ...[...produced, ...consumed.map((c) => c.topic)].map((t) => ({ topic: topicName(t, config.KAFKA_TOPIC_PREFIX), partitions: TOPIC_PARTITIONS })),
      ...consumed.map((c) => ({ topic: deadLetterTopic(topicName(c.topic, config.KAFKA_TOPIC_PREFIX)), partitions: 1 })),
    ],
  );
  const publisher = createKafkaPublisher(kafka);
  await publisher.connect();
  const relay = startOutboxRelay({ pool, schemaName: DB_SCHEMA, publisher, logger, registry: metrics.registry });
  metrics.readOutboxLagWith(() => relay.lag());

  const deps: PaymentDeps = {
    config,
    db,
    redis,
    cache: createBalanceCache(redis, config.BALANCE_CACHE_TTL_SECONDS),
    booking: createInternalClient(config.BOOKING_SERVICE_URL, serviceTokenSource('payment-service', config.INTERNAL_KEY_PAYMENT, 'booking-service')),
    logger,
    metrics,
  };

  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await ensureFirstAdmin(db, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: config.ADMIN_NAME }, logger);
  }

  // Every replica may run them: deleting already-deleted rows is harmless.
  const keyRetention = every(15 * 60_000, () => deleteExpiredKeys(db, config.IDEMPOTENCY_RETENTION_HOURS), (err) =>
    logger.warn({ err }, 'idempotency key cleanup failed'),
  );
  const inboxRetention = every(3_600_000, () => deleteOldInboxRows(pool, inbox, config.INBOX_RETENTION_HOURS), (err) =>
    logger.warn({ err }, 'inbox cleanup failed'),
  );

  const dispatcher = createEventDispatcher(deps, consumed);
  // Bound once serving: a consumer that cannot go on shuts the service down and exits non-zero.
  const lifecycle: { shutdown?: (reason: string) => Promise<void> } = {};
  const subscriber = createKafkaSubscriber(kafka, {
    logger,
    registry: metrics.registry,
    deadLetter: publisher,
    onDeadLetter: (msg) => metrics.deadLettered.inc({ topic: msg.topic }),
    onFatal: () => exitNonZero(() => lifecycle.shutdown?.('consumer cannot go on')),
  });
  await subscriber.run({
    groupId: config.KAFKA_GROUP_ID ?? `${config.KAFKA_TOPIC_PREFIX}payment-service`,
    topics: dispatcher.topics,
    handler: dispatcher.handle,
    fromBeginning: true,
    // Every partition this replica owns at once (one replica may own them all); order within one stays.
    partitionsConsumedConcurrently: TOPIC_PARTITIONS,
    // Different reservations of one partition side by side too (one reservation's events stay in
    // order), within a share of the pool: 49 payments at once no longer confirm one by one.
    maxInFlight: Math.max(2, Math.floor(config.DB_POOL_MAX / 2)),
  });

  const app = createApp(deps, {
    logger,
    metrics,
    readiness: dependencyReadiness({ pool, redis, subscriber }),
  });
  const served = await serve({
    app,
    config,
    logger,
    closers: [() => keyRetention.stop(), () => inboxRetention.stop(), () => subscriber.stop(), () => relay.stop(), () => publisher.disconnect(), () => redis.quit(), () => pool.end()],
  });
  lifecycle.shutdown = served.shutdown;
  return { port: served.port, url: served.url, stop: served.stop };
}
