import { z } from 'zod';
import { BaseConfig, boolFromEnv, loadConfig } from '@concert/service-kit';

export const PaymentConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8083),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().default('postgres://payment_svc:payment_svc@127.0.0.1:5432/concert'),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  // Default: one group per topic namespace, so environments sharing a broker never share a group.
  KAFKA_GROUP_ID: z.string().min(1).optional(),
  BOOKING_SERVICE_URL: z.string().default('http://127.0.0.1:8082'),
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  ADMIN_NAME: z.string().default('Administrator'),
  MIGRATE_ON_START: boolFromEnv.default(true),
  /**
   * Argon2id memory (KiB) of new password hashes; default = OWASP's minimum (19 MiB, t=2).
   * Only the sale benchmark lowers it, to measure the sale rather than password hashing.
   */
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).default(19 * 1024),
  /**
   * Older name of the benchmark knob (scrypt's N): any value below 2^15 means "benchmark cost",
   * the cheapest argon2id (1 MiB, t=1), so bench scripts that set it keep measuring the sale.
   */
  PASSWORD_SCRYPT_N: z.coerce.number().int().positive().optional(),
  /** Hashes at once per replica; default one less than the cores, so hashing leaves CPU to payments. */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** A hash request that would wait longer than this in the queue is refused at once (503 + Retry-After). */
  PASSWORD_HASH_MAX_WAIT_MS: z.coerce.number().int().positive().default(3000),

  /** Where drizzle's migration folder is; found next to the sources or the bundle when unset. */
  MIGRATIONS_DIR: z.string().optional(),
  /** Redis `lock:balance:{userId}` in front of balance updates: sheds load only, SQL stays the guard. */
  BALANCE_LOCK: boolFromEnv.default(false),
  BALANCE_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  /** How long a duplicate request waits for the in-flight one with the same Idempotency-Key. */
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().positive().default(5000),
  /** Keys older than this are forgotten (a retry after that is a new request), as payment APIs do. */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().positive().default(24),
  /** Inbox rows older than this are deleted; keep it above the topics' log retention (Kafka: 7 days). */
  INBOX_RETENTION_HOURS: z.coerce.number().positive().default(14 * 24),
});
export type PaymentConfig = z.infer<typeof PaymentConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): PaymentConfig => loadConfig(PaymentConfig, env);
