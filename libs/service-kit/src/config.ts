import { z } from 'zod';
import { DEV_INTERNAL_KEYS } from './secrets';

/**
 * Parses process.env with a zod schema at start-up and exits with a readable message when it
 * does not fit: a service that starts with a wrong config fails later, and worse.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return parsed.data;
}

/**
 * The access log (http-app.ts): 4xx, 5xx and requests slower than ACCESS_LOG_SLOW_MS are always
 * logged; ACCESS_LOG_SAMPLE_RATE is the share of the other requests that get an info line
 * (1 = every request, the default; 0.01 = one in a hundred, for a sale at thousands a second).
 */
export const AccessLogConfig = z.object({
  ACCESS_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  ACCESS_LOG_SLOW_MS: z.coerce.number().int().positive().default(1000),
});

/** Common env fields; services extend this. */
export const BaseConfig = AccessLogConfig.extend({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  /** Each caller's own secret for service tokens (internal-auth.ts); callees hold those of the callers they accept. */
  INTERNAL_KEY_GATEWAY: z.string().min(16).default(DEV_INTERNAL_KEYS.INTERNAL_KEY_GATEWAY),
  INTERNAL_KEY_PAYMENT: z.string().min(16).default(DEV_INTERNAL_KEYS.INTERNAL_KEY_PAYMENT),
  /** Every Redis command fails after this long instead of waiting on a stuck server forever. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Internal requests in progress at once: starts here, adapts (AIMD) up to ADMISSION_MAX_LIMIT. */
  ADMISSION_LIMIT: z.coerce.number().int().positive().default(64),
  ADMISSION_MAX_LIMIT: z.coerce.number().int().positive().default(512),
  /** A request is answered 503 + Retry-After at once when it would queue longer than this. */
  ADMISSION_MAX_QUEUE_MS: z.coerce.number().int().positive().default(5000),
  /** Requests slower than this count as congestion and lower the adaptive limit. */
  ADMISSION_TARGET_MS: z.coerce.number().int().positive().default(500),
});

export const boolFromEnv = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
