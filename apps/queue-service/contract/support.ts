import { Redis } from 'ioredis';
import { createLogger, createMetrics } from '@concert/service-kit';
import { TEST_INTERNAL_KEY_GATEWAY, testRedisUrl } from '@concert/testing';
import { createApp } from '../src/app';
import { QueueServiceConfig } from '../src/config';
import { createQueueRepository } from '../src/data-access/queue.repository';
import { createQueueMetrics } from '../src/queue-metrics';
import type { QueueDeps } from '../src/use-cases/deps';
import { dropNamespace, namespace } from '../test/helpers';

/**
 * queue-service as a provider and as a consumer: its real use cases on the tests' Redis, in a
 * key namespace of its own (no Kafka, no ticker), and for the provider its real express app
 * (createApp) for the verifier to serve.
 */
export async function queueDeps() {
  const ns = namespace();
  const config = QueueServiceConfig.parse({ LOG_LEVEL: 'silent', INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY, REDIS_URL: await testRedisUrl(), REDIS_KEY_PREFIX: ns.keyPrefix });
  const logger = createLogger('queue-service', 'silent');
  const metrics = createMetrics('queue-service');
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const repo = createQueueRepository(redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    defaults: { admitPerSecond: config.QUEUE_DEFAULT_ADMIT_PER_SECOND, maxActive: config.QUEUE_DEFAULT_MAX_ACTIVE, activeTtlSeconds: config.QUEUE_DEFAULT_ACTIVE_TTL_SECONDS },
    tick: { tickMs: config.QUEUE_TICK_MS, waitingIdleMs: config.QUEUE_WAITING_IDLE_SECONDS * 1000, activeIdleMs: config.QUEUE_ACTIVE_IDLE_SECONDS * 1000, maxBatch: 1000 },
  });
  const deps: QueueDeps = { repo, metrics: createQueueMetrics(metrics, repo), logger };
  return {
    deps,
    metrics,
    /** Empties the namespace: each interaction starts from a queue nobody joined. */
    reset: () => dropNamespace(ns),
    async close() {
      await dropNamespace(ns);
      await redis.quit();
    },
  };
}

export async function queueProvider() {
  const q = await queueDeps();
  return { ...q, app: createApp(q.deps, { logger: createLogger('queue-service', 'silent'), metrics: q.metrics, gatewayKey: TEST_INTERNAL_KEY_GATEWAY, readiness: {} }) };
}
