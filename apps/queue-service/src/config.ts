import { z } from 'zod';
import { BaseConfig, boolFromEnv } from '@concert/service-kit';

export const QueueServiceConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  HOST: z.string().default('127.0.0.1'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  // Default: one group per topic namespace, so environments sharing a broker never share a group.
  KAFKA_GROUP_ID: z.string().min(1).optional(),
  // Why: a brand-new group starts at the latest offset by default; tests with fresh topics read from the start.
  // Default earliest: with "latest" a payment-completed published while the group joins is skipped.
  KAFKA_FROM_BEGINNING: boolFromEnv.default(true),
  // Namespace for every Redis key (empty in production): parallel test runs share one Redis.
  REDIS_KEY_PREFIX: z.string().default(''),
  // Defaults for a concert without a stored policy. Lower bounds are looser than the public
  // QueuePolicy so tests can use second-scale TTLs.
  QUEUE_DEFAULT_ADMIT_PER_SECOND: z.coerce.number().int().min(1).default(50),
  QUEUE_DEFAULT_MAX_ACTIVE: z.coerce.number().int().min(1).default(500),
  QUEUE_DEFAULT_ACTIVE_TTL_SECONDS: z.coerce.number().int().min(1).default(600),
  QUEUE_TICK_MS: z.coerce.number().int().min(10).max(1000).default(200),
  QUEUE_WAITING_IDLE_SECONDS: z.coerce.number().int().min(1).default(60),
  // An admitted fan silent this long (no status poll, hold or payment) gives the slot to the next
  // fan instead of keeping it for the whole active TTL; 0 keeps it until the TTL. Keep it above
  // booking's RESERVATION_HOLD_SECONDS (300): a fan who holds a seat must still be able to pay
  // at the end of the hold without having polled meanwhile.
  QUEUE_ACTIVE_IDLE_SECONDS: z.coerce.number().int().min(0).default(360),
  QUEUE_TICKER_ENABLED: boolFromEnv.default(true),
  // 0 → derived from the tick (10 ticks, at least 2 s).
  QUEUE_TICKER_LEASE_MS: z.coerce.number().int().min(0).default(0),
});
export type QueueServiceConfig = z.infer<typeof QueueServiceConfig>;

export const leaseMsOf = (c: QueueServiceConfig) =>
  c.QUEUE_TICKER_LEASE_MS > 0 ? c.QUEUE_TICKER_LEASE_MS : Math.max(2000, c.QUEUE_TICK_MS * 10);
