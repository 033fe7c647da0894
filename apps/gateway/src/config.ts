import { z } from 'zod';
import { BaseConfig, boolFromEnv } from '@concert/service-kit';

/** The development default of QUEUE_TOKEN_KEY: it is in the repository, so production refuses it. */
export const DEV_QUEUE_TOKEN_KEY = 'dev-queue-token-key-change-me-0000';

const int = (def: number) => z.coerce.number().int().positive().default(def);

/** One URL or several replicas' URLs, comma-separated (the internal client spreads calls over them). */
const urlList = (def: string) =>
  z
    .string()
    .default(def)
    .refine((s) => s.split(',').map((u) => u.trim()).filter(Boolean).every((u) => z.url().safeParse(u).success), 'must be URL[,URL...]');

/** Gateway env. Rate-limit defaults are generous: a 10,000-fan load test from one host must pass. */
export const GatewayConfig = BaseConfig.extend({
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().default('127.0.0.1'),
  QUEUE_SERVICE_URL: urlList('http://127.0.0.1:8081'),
  BOOKING_SERVICE_URL: urlList('http://127.0.0.1:8082'),
  PAYMENT_SERVICE_URL: urlList('http://127.0.0.1:8083'),
  /** Replicas that take signup and login (password hashing); default PAYMENT_SERVICE_URL. */
  PAYMENT_AUTH_SERVICE_URL: urlList('').optional().transform((s) => s || undefined),
  /** Deadline of a request through the gateway (ms), passed to the services; also the longest upstream call. */
  UPSTREAM_TIMEOUT_MS: int(5000),
  /** Signup and login hash a password on purpose slowly: a longer deadline (and their own circuit). */
  AUTH_DEADLINE_MS: int(8000),
  /**
   * Per upstream: calls in flight (bulkhead), calls waiting for a slot, and an open circuit's pause.
   * The bulkhead bounds the gateway's own work; it is not the judge of the callee's capacity. Its
   * backlog estimate counts the callee's queueing as service time, so a bulkhead a sale's burst
   * fills refuses calls that would have finished in time (measured: 34 of a 550-fan race refused
   * with 256 slots, 47 with 128, while the whole race took ~2.2 s of its 5 s deadline). So it is
   * larger than a burst: the callee's admission control, which sees its real backlog, sheds
   * instead. Calls beyond the internal client's connections (128 per replica) wait in the client,
   * still bound by their deadline and their caller's hang-up.
   */
  UPSTREAM_MAX_CONCURRENT: int(1024),
  UPSTREAM_MAX_QUEUED: int(1024),
  UPSTREAM_HALF_OPEN_AFTER_MS: int(2000),

  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  /** Retired public keys (PEMs, concatenated) that still verify the tokens they signed: see README "Rotating keys". */
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().optional(),
  /** Where local runs keep a generated key pair; default `<repo root>/.secrets/jwt-keys.json`. */
  JWT_KEYS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('concert-gateway'),
  JWT_AUDIENCE: z.string().min(1).default('concert-api'),
  ACCESS_TOKEN_TTL_SECONDS: int(3600),
  /**
   * Key of the queue tokens' MAC (HS256). Only the gateway verifies queue tokens, so only its
   * replicas hold it; production refuses the default and anything under 32 characters.
   */
  QUEUE_TOKEN_KEY: z.string().min(16).default(DEV_QUEUE_TOKEN_KEY),
  /** Upper bound of a queue token's life; it also never outlives the concert's booking window. */
  QUEUE_TOKEN_TTL_SECONDS: int(86_400),

  /**
   * Which peers may set the client address through X-Forwarded-For (Express `trust proxy`):
   * empty/false = none (the TCP peer is the client), a hop count, or addresses/CIDRs/`loopback`.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v): boolean | number | string => (v === '' || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),

  RATE_LIMIT_ENABLED: boolFromEnv.default(true),
  /** Loopback clients are exempt from the per-IP limit unless this is true (tests set it). */
  RATE_LIMIT_LOOPBACK: boolFromEnv.default(false),
  /** Redis key prefix of the counters; tests give each gateway its own. */
  RATE_LIMIT_KEY_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/).default('rl'),
  RATE_LIMIT_IP_POINTS: int(1000),
  RATE_LIMIT_IP_DURATION_SECONDS: int(1),
  RATE_LIMIT_USER_POINTS: int(1000),
  RATE_LIMIT_USER_DURATION_SECONDS: int(10),
  RATE_LIMIT_ENQUEUE_POINTS: int(20),
  RATE_LIMIT_ENQUEUE_DURATION_SECONDS: int(60),
  /** Login attempts per (e-mail, client); another client's attempts never count against this one. */
  RATE_LIMIT_LOGIN_POINTS: int(30),
  RATE_LIMIT_LOGIN_DURATION_SECONDS: int(60),
  /** queue-service's REDIS_KEY_PREFIX: the gateway reads its active set (see data-access/queue-reader.ts). */
  QUEUE_REDIS_KEY_PREFIX: z.string().default(''),
  /**
   * An admitted fan's poll, hold or payment is forwarded to queue-service at least this often (its
   * sign of life); in between it is answered from Redis. Keep it well below queue-service's
   * QUEUE_ACTIVE_IDLE_SECONDS (360 s). 0 = always forward.
   */
  QUEUE_HEARTBEAT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Failed logins per (e-mail, client) allowed before exponential backoff: 2^(n-free-1) s, capped. */
  LOGIN_FREE_FAILURES: int(5),
  LOGIN_BACKOFF_MAX_SECONDS: int(900),
  /** Every /auth/* request per client address (loopback exempt unless RATE_LIMIT_LOOPBACK). */
  RATE_LIMIT_AUTH_POINTS: int(60),
  RATE_LIMIT_AUTH_DURATION_SECONDS: int(60),
  /** Signups per client address. */
  RATE_LIMIT_SIGNUP_POINTS: int(10),
  RATE_LIMIT_SIGNUP_DURATION_SECONDS: int(3600),
  /** In-process cache of concert lookups on the enqueue path (0 disables). */
  CONCERT_CACHE_MS: z.coerce.number().int().min(0).default(1000),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const listenPort = (c: GatewayConfig) => c.GATEWAY_PORT ?? c.PORT ?? 8080;
