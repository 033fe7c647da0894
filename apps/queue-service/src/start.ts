import { TOPIC_PARTITIONS, TOPICS, topicName } from '@concert/contracts';
import { createKafka, createKafkaPublisher, createKafkaSubscriber, deadLetterTopic, ensureTopics } from '@concert/messaging';
import { checkSecrets, createLogger, createMetrics, createRedis, exitNonZero, internalKeyProblem, serve, serviceAdmission, dependencyReadiness } from '@concert/service-kit';
import { createApp } from './app';
import { leaseMsOf, type QueueServiceConfig } from './config';
import { tickerLeaseKey } from './data-access/keys';
import { createLease } from './data-access/lease.repository';
import { createQueueRepository } from './data-access/queue.repository';
import { startAdmissionTicker } from './entry-points/scheduler/admission.ticker';
import { paymentCompletedHandler } from './entry-points/messaging/payment-completed.consumer';
import { createQueueMetrics } from './queue-metrics';
import type { QueueDeps } from './use-cases/deps';

const SERVICE = 'queue-service';

export interface StartedQueueService {
  port: number;
  stop(): Promise<void>;
}

export async function start(config: QueueServiceConfig): Promise<StartedQueueService> {
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const metrics = createMetrics(SERVICE);
  checkSecrets(config.NODE_ENV, [internalKeyProblem('INTERNAL_KEY_GATEWAY', config.INTERNAL_KEY_GATEWAY)], logger);
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true, commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS });

  const repo = createQueueRepository(redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    defaults: {
      admitPerSecond: config.QUEUE_DEFAULT_ADMIT_PER_SECOND,
      maxActive: config.QUEUE_DEFAULT_MAX_ACTIVE,
      activeTtlSeconds: config.QUEUE_DEFAULT_ACTIVE_TTL_SECONDS,
    },
    tick: { tickMs: config.QUEUE_TICK_MS, waitingIdleMs: config.QUEUE_WAITING_IDLE_SECONDS * 1000, activeIdleMs: config.QUEUE_ACTIVE_IDLE_SECONDS * 1000, maxBatch: 1000 },
  });
  const queueMetrics = createQueueMetrics(metrics, repo);
  const deps: QueueDeps = { repo, metrics: queueMetrics, logger };

  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const paymentCompleted = topicName(TOPICS.paymentCompleted, config.KAFKA_TOPIC_PREFIX);
  // Poison messages are parked on the dead-letter topic, as in booking and payment.
  const publisher = createKafkaPublisher(kafka);
  // Bound once serving: a consumer that cannot go on shuts the service down and exits non-zero.
  const lifecycle: { shutdown?: (reason: string) => Promise<void> } = {};
  const subscriber = createKafkaSubscriber(kafka, {
    logger,
    registry: metrics.registry,
    deadLetter: publisher,
    onFatal: () => exitNonZero(() => lifecycle.shutdown?.('consumer cannot go on')),
  });
  try {
    await ensureTopics(kafka, [
      { topic: paymentCompleted, partitions: TOPIC_PARTITIONS },
      { topic: deadLetterTopic(paymentCompleted), partitions: 1 },
    ]);
    await subscriber.run({
      groupId: config.KAFKA_GROUP_ID ?? `${config.KAFKA_TOPIC_PREFIX}queue-service`,
      topics: [paymentCompleted],
      fromBeginning: config.KAFKA_FROM_BEGINNING,
      handler: paymentCompletedHandler(deps),
      partitionsConsumedConcurrently: TOPIC_PARTITIONS,
      maxInFlight: 16,
    });
  } catch (err) {
    await subscriber.stop().catch(() => undefined);
    await publisher.disconnect().catch(() => undefined);
    redis.disconnect();
    throw err;
  }

  const ticker = config.QUEUE_TICKER_ENABLED
    ? startAdmissionTicker(
        { ...deps, lease: createLease(redis, tickerLeaseKey(config.REDIS_KEY_PREFIX), leaseMsOf(config)) },
        config.QUEUE_TICK_MS,
      )
    : undefined;

  const app = createApp(deps, {
    logger,
    metrics,
    gatewayKey: config.INTERNAL_KEY_GATEWAY,
    admission: serviceAdmission('internal', config, metrics),
    readiness: dependencyReadiness({ redis, subscriber }),
  });

  const served = await serve({
    app,
    config,
    logger,
    closers: [() => ticker?.stop(), () => subscriber.stop(), () => publisher.disconnect(), () => redis.quit()],
  });
  lifecycle.shutdown = served.shutdown;
  return { port: served.port, stop: served.stop };
}
