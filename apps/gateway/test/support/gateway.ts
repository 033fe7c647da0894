import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger, loadConfig } from '@concert/service-kit';
import { testRedisUrl } from '@concert/testing';
import { loadSigningKeys } from '../../src/data-access/signing-keys';
import { createTokenService } from '../../src/use-cases/tokens';
import { GatewayConfig } from '../../src/config';
import { createSessionRepository } from '../../src/data-access/session.repository';
import { start } from '../../src/start';

/** Ports where nothing listens: gateway tests that must not reach a service point here. */
export const DEAD_UPSTREAM = 'http://127.0.0.1:9';

export interface TestGateway {
  url: string;
  api: string;
  config: GatewayConfig;
  redis: Redis;
  tokens: ReturnType<typeof createTokenService>;
  sessions: ReturnType<typeof createSessionRepository>;
  /** What a login does, without payment-service: sign and make the session the active one. */
  login(user: { id: string; role?: 'user' | 'admin'; email?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** An in-process gateway on a random port with real Redis and its own key file. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const keysFile = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'jwt-keys.json');
  const config = loadConfig(GatewayConfig, {
    REDIS_URL: await testRedisUrl(),
    GATEWAY_PORT: '0',
    JWT_KEYS_FILE: keysFile,
    QUEUE_SERVICE_URL: DEAD_UPSTREAM,
    BOOKING_SERVICE_URL: DEAD_UPSTREAM,
    PAYMENT_SERVICE_URL: DEAD_UPSTREAM,
    UPSTREAM_TIMEOUT_MS: '2000',
    RATE_LIMIT_KEY_PREFIX: `rl_${randomUUID().slice(0, 8)}`,
    ...env,
  });
  const started = await start(config, { logger: createLogger('gateway-test', process.env.LOG_LEVEL ?? 'silent') });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // a test may point the gateway at a dead Redis on purpose
  const keys = await loadSigningKeys({ privatePem: config.JWT_PRIVATE_KEY, publicPem: config.JWT_PUBLIC_KEY, previousPublicPems: config.JWT_PREVIOUS_PUBLIC_KEYS, keysFile: config.JWT_KEYS_FILE });
  const tokens = createTokenService(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, queueTokenKey: config.QUEUE_TOKEN_KEY });
  const sessions = createSessionRepository(redis);
  const url = `http://127.0.0.1:${started.port}`;
  return {
    url,
    api: `${url}/api/v1`,
    config,
    redis,
    tokens,
    sessions,
    async login(user) {
      const t = await tokens.signAccess({ id: user.id, role: user.role ?? 'user', email: user.email ?? `${user.id}@example.test` });
      await sessions.activate(user.id, t.jti, t.expiresIn, user.role ?? 'user');
      return t.token;
    },
    async stop() {
      await started.stop();
      redis.disconnect();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { code?: string; errors?: { path: string; message: string }[] };
  contentType: string;
}

/** fetch with JSON in and out; never throws on an HTTP status. */
export async function call(
  method: string,
  url: string,
  opts: { token?: string; queueToken?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.queueToken) headers['x-queue-token'] = opts.queueToken;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: Reply['body'] = {};
  try {
    parsed = text ? (JSON.parse(text) as Reply['body']) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed, contentType: res.headers.get('content-type') ?? '' };
}
