import { TOPIC_PARTITIONS, TOPICS, topicName } from '@concert/contracts';
import { createDb, createPool, deleteOldInboxRows, startOutboxRelay } from '@concert/db';
import { createKafka, createKafkaPublisher, createKafkaSubscriber, deadLetterTopic, ensureTopics } from '@concert/messaging';
import { checkSecrets, createLogger, createMetrics, createRedis, every, exitNonZero, internalKeyProblem, serve, type Logger, serviceAdmission, dependencyReadiness } from '@concert/service-kit';
import { createApp } from './app';
import type { BookingConfig } from './config';
import { createConcertSnapshots } from './data-access/concert-snapshots';
import { ReadThroughCache } from './data-access/cache';
import { ExpiryQueue } from './data-access/expiry-queue';
import { loadSeatScripts } from './data-access/seat-marks';
import { migrate } from './data-access/migrations';
import { inbox, schema } from './data-access/schema';
import { startExpirySweeper } from './entry-points/jobs/expiry.sweeper';
import { startExpiryWorker } from './entry-points/jobs/expiry.worker';
import { paymentCompletedHandler } from './entry-points/messaging/payment-completed.consumer';
import { bookingMetrics } from './metrics';
import type { BookingDeps } from './use-cases/deps';
import { eventWriter } from './use-cases/events';

export interface RunningBookingService {
  port: number;
  url: string;
  deps: BookingDeps;
  stop(): Promise<void>;
}

const PRODUCED = [
  TOPICS.seatReserved,
  TOPICS.reservationExpired,
  TOPICS.reservationCancelled,
  TOPICS.reservationConfirmed,
  TOPICS.paymentRefundRequested,
] as const;

/** Wires Postgres, Redis, Kafka, the relay, the consumer, the expiry worker and sweeper, and HTTP. */
export async function start(config: BookingConfig, opts: { logger?: Logger } = {}): Promise<RunningBookingService> {
  const logger = opts.logger ?? createLogger('booking-service', config.LOG_LEVEL);
  checkSecrets(config.NODE_ENV, [internalKeyProblem('INTERNAL_KEY_GATEWAY', config.INTERNAL_KEY_GATEWAY), internalKeyProblem('INTERNAL_KEY_PAYMENT', config.INTERNAL_KEY_PAYMENT)], logger);
  if (config.MIGRATE_ON_START) await migrate(config);

  const pool = createPool(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: 'booking-service' });
  const db = createDb(pool, schema);
  // Fail fast rather than queue forever: every Redis use here has a database fallback.
  // Auto-pipelining: the commands of a burst of holds (marks, locks, evictions) issued in one turn
  // of the event loop go out in one write instead of a write each.
  const redis = createRedis(config.REDIS_URL, {
    maxRetriesPerRequest: 1,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    enableAutoPipelining: true,
  });
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));

  const kafka = createKafka({ clientId: 'booking-service', brokers: config.KAFKA_BROKERS, logger });
  const paymentCompleted = topicName(TOPICS.paymentCompleted, config.KAFKA_TOPIC_PREFIX);
  await ensureTopics(kafka, [
    ...PRODUCED.map((t) => ({ topic: topicName(t, config.KAFKA_TOPIC_PREFIX), partitions: TOPIC_PARTITIONS })),
    { topic: paymentCompleted, partitions: TOPIC_PARTITIONS },
    { topic: deadLetterTopic(paymentCompleted), partitions: 1 },
  ]);
  const publisher = createKafkaPublisher(kafka);

  const metrics = createMetrics('booking-service');
  const business = bookingMetrics(metrics);
  const deps: BookingDeps = {
    db,
    redis,
    cache: new ReadThroughCache({
      redis,
      logger,
      onLookup: (cache, result) => business.cacheLookups.inc({ cache, result }),
    }),
    concerts: createConcertSnapshots(db, config.CONCERT_SNAPSHOT_MS),
    expiry: new ExpiryQueue(config.REDIS_URL, config.BULLMQ_PREFIX, logger),
    events: eventWriter(config.KAFKA_TOPIC_PREFIX),
    metrics: business,
    logger,
    config,
  };

  // The first burst of holds would otherwise find the seat scripts missing: every hold of it pays
  // a NOSCRIPT answer and a second round trip with the script's text. Not needed for correctness.
  await loadSeatScripts(redis).catch((err: unknown) => logger.warn({ err }, 'could not load the seat scripts at start'));

  const relay = startOutboxRelay({ pool, schemaName: 'booking', publisher, logger, registry: metrics.registry });
  // Bound once serving: a consumer that cannot go on shuts the service down and exits non-zero.
  const lifecycle: { shutdown?: (reason: string) => Promise<void> } = {};
  const subscriber = createKafkaSubscriber(kafka, {
    logger,
    registry: metrics.registry,
    deadLetter: publisher,
    onDeadLetter: (msg) => business.deadLettered.inc({ topic: msg.topic }),
    onFatal: () => exitNonZero(() => lifecycle.shutdown?.('consumer cannot go on')),
  });
  await subscriber.run({
    groupId: config.KAFKA_GROUP_ID ?? `${config.KAFKA_TOPIC_PREFIX}booking-service`,
    topics: [paymentCompleted],
    handler: paymentCompletedHandler(deps),
    // A new group must start at the earliest offset: with "latest", an event published while
    // the group first joins (or rejoins a partition it never committed) is silently skipped.
    // Redelivery is harmless, the inbox makes it a no-op.
    fromBeginning: true,
    // Every partition this replica owns at once (one replica may own them all); order within one stays.
    partitionsConsumedConcurrently: TOPIC_PARTITIONS,
    // Different reservations of one partition side by side too (one reservation's events stay in
    // order). Payments that arrive together are confirmed together on one connection (see
    // use-cases/confirm-together.ts), so a paid fan's event must not wait for a slot behind the
    // batch before it: several pools' worth. Only events of ended holds (refunds) hold a
    // connection each, and those queue for it with the HTTP reads.
    maxInFlight: 4 * config.DB_POOL_MAX,
  });
  const worker = config.EXPIRY_WORKER ? startExpiryWorker(deps, config) : undefined;
  const sweeper = config.SWEEP_INTERVAL_MS > 0 ? startExpirySweeper(deps, config.SWEEP_INTERVAL_MS) : undefined;
  const inboxRetention = every(3_600_000, () => deleteOldInboxRows(pool, inbox, config.INBOX_RETENTION_HOURS), (err) =>
    logger.warn({ err }, 'inbox cleanup failed'),
  );

  const app = createApp(deps, {
    logger,
    metrics,
    internalKeys: { gateway: config.INTERNAL_KEY_GATEWAY, payment: config.INTERNAL_KEY_PAYMENT },
    admission: serviceAdmission('internal', config, metrics),
    readiness: dependencyReadiness({ pool, redis, subscriber }),
  });

  const served = await serve({
    app,
    config,
    logger,
    closers: [
      () => inboxRetention.stop(),
      () => sweeper?.stop(),
      () => worker?.close(),
      () => subscriber.stop(),
      () => relay.stop(),
      () => deps.expiry.close(),
      () => publisher.disconnect(),
      () => redis.quit(),
      () => pool.end(),
    ],
  });
  lifecycle.shutdown = served.shutdown;
  return { port: served.port, url: served.url, deps, stop: served.stop };
}
