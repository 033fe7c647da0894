import { z } from 'zod';
import { BaseConfig, boolFromEnv, loadConfig } from '@concert/service-kit';

export const BookingConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().default('postgres://booking_svc:booking_svc@127.0.0.1:5432/concert'),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  // Default: one group per topic namespace, so environments sharing a broker never share a group.
  KAFKA_GROUP_ID: z.string().min(1).optional(),
  MIGRATE_ON_START: boolFromEnv.default(true),
  /** drizzle migrations folder; found next to the sources or the bundle when unset. */
  MIGRATIONS_DIR: z.string().optional(),
  RESERVATION_HOLD_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  MAX_HOLDS_PER_USER: z.coerce.number().int().min(1).max(1000).default(4),
  /** Safety-net sweep for holds whose delayed job was lost; 0 disables it. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  /** `lock:seat:*` TTL in front of a hold; 0 disables the lock (the database still guarantees one winner). */
  SEAT_LOCK_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** Run the BullMQ expiry worker in this process (a deployment may run it elsewhere). */
  EXPIRY_WORKER: boolFromEnv.default(true),
  EXPIRY_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** BullMQ key prefix; a hash tag keeps each queue's keys in one Redis Cluster slot. */
  BULLMQ_PREFIX: z.string().default('{booking}'),
  /** Inbox rows older than this are deleted; keep it above the topics' log retention (Kafka: 7 days). */
  INBOX_RETENTION_HOURS: z.coerce.number().positive().default(14 * 24),
  /** How long a replica reuses a concert row for hold pre-checks (the hold's UPDATE re-checks). */
  CONCERT_SNAPSHOT_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  CONCERTS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
  SEATS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /**
   * Booking's own admission starting point: most holds of a sale are refused from Redis in about
   * a millisecond, and those that reach the database are bounded by the seat lock and the pool,
   * so the crowd of a race (hundreds of holds at once) is admitted rather than shed at the
   * service-kit default of 64. Real overload is still refused (503 + Retry-After): past the
   * adaptive limit when the queue's wait would exceed ADMISSION_MAX_QUEUE_MS or the deadline.
   */
  ADMISSION_LIMIT: z.coerce.number().int().positive().default(256),
  ADMISSION_MAX_LIMIT: z.coerce.number().int().positive().default(1024),
});
export type BookingConfig = z.infer<typeof BookingConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): BookingConfig => loadConfig(BookingConfig, env);
