import { checkSecrets, createLogger, createMetrics, createRedis, internalKeyProblem, serve, serviceTokenSource, type Logger } from '@concert/service-kit';
import { createApp } from './app';
import { loadSigningKeys, queueTokenKeyProblem } from './data-access/signing-keys';
import { createAuthentication } from './entry-points/http/authentication';
import { createTokenService } from './use-cases/tokens';
import { DEV_QUEUE_TOKEN_KEY, listenPort, type GatewayConfig } from './config';
import { createHoldsInDoubtRepository } from './data-access/holds-in-doubt.repository';
import { createPaidGraceRepository } from './data-access/paid-grace.repository';
import { withQueueReader } from './data-access/queue-reader';
import { bookingApi, paymentApi, queueApi, type Services } from './data-access/services';
import { createSessionRepository } from './data-access/session.repository';
import { createUpstream, type Upstream, type UpstreamName } from './data-access/upstream';
import { createRateLimits } from './data-access/rate-limits';

export interface StartedGateway {
  port: number;
  stop(): Promise<void>;
}

/** Wires Redis, keys, upstream clients and the HTTP server. Tests start the gateway in-process with it. */
export async function start(config: GatewayConfig, opts: { logger?: Logger } = {}): Promise<StartedGateway> {
  const logger = opts.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const metrics = createMetrics('gateway');
  const authFailures = metrics.counter('gateway_auth_failures_total', 'Requests refused for authentication or authorization, by code', ['code']);
  const rateLimited = metrics.counter('gateway_rate_limited_total', 'Requests refused by a rate limit, by limiter', ['limiter']);
  const upstreamErrors = metrics.counter('gateway_upstream_errors_total', 'Failed calls to internal services, by service and kind', ['service', 'kind']);
  const queueTokensIssued = metrics.counter('gateway_queue_tokens_issued_total', 'Queue tokens issued (created=false: already queued)', ['created']);

  const keys = await loadSigningKeys({
    privatePem: config.JWT_PRIVATE_KEY,
    publicPem: config.JWT_PUBLIC_KEY,
    previousPublicPems: config.JWT_PREVIOUS_PUBLIC_KEYS,
    keysFile: config.JWT_KEYS_FILE,
  });
  checkSecrets(
    config.NODE_ENV,
    [
      internalKeyProblem('INTERNAL_KEY_GATEWAY', config.INTERNAL_KEY_GATEWAY),
      queueTokenKeyProblem(config.QUEUE_TOKEN_KEY, DEV_QUEUE_TOKEN_KEY),
      // A generated pair lives in one machine's file: replicas elsewhere would not share it.
      keys.generated ? { name: 'JWT_PRIVATE_KEY', reason: 'not set (a key pair was generated into a local file)' } : undefined,
    ],
    logger,
  );

  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true, commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));

  const tokens = createTokenService(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, queueTokenKey: config.QUEUE_TOKEN_KEY });
  const sessions = createSessionRepository(redis);
  const limits = createRateLimits(redis, config, { logger, limited: rateLimited });

  const upstreams: Upstream[] = [];
  const up = (name: UpstreamName, url: string, timeoutMs = config.UPSTREAM_TIMEOUT_MS) => {
    // payment-auth is payment-service too: the token's audience is the service, not the pool.
    const credential = serviceTokenSource('gateway', config.INTERNAL_KEY_GATEWAY, name === 'payment-auth' ? 'payment-service' : `${name}-service`);
    const u = createUpstream(name, url, credential, timeoutMs, { logger, errors: upstreamErrors }, {
      maxConcurrent: config.UPSTREAM_MAX_CONCURRENT,
      maxQueued: config.UPSTREAM_MAX_QUEUED,
      halfOpenAfterMs: config.UPSTREAM_HALF_OPEN_AFTER_MS,
    });
    upstreams.push(u);
    return u;
  };
  const services: Services = {
    queue: withQueueReader(queueApi(up('queue', config.QUEUE_SERVICE_URL)), redis, {
      keyPrefix: config.QUEUE_REDIS_KEY_PREFIX,
      heartbeatMs: config.QUEUE_HEARTBEAT_MS,
    }),
    booking: bookingApi(up('booking', config.BOOKING_SERVICE_URL), config.CONCERT_CACHE_MS),
    // Signup and login (password hashing) get a breaker and bulkhead of their own: a login storm
    // that saturates hashing must not open the circuit in front of payments.
    payment: paymentApi(up('payment', config.PAYMENT_SERVICE_URL), up('payment-auth', config.PAYMENT_AUTH_SERVICE_URL ?? config.PAYMENT_SERVICE_URL, config.AUTH_DEADLINE_MS)),
  };

  const { authenticate, authenticateWith, requireAdmin } = createAuthentication({ tokens, sessions, limits, queue: services.queue });

  const app = createApp({
    config,
    services,
    tokens,
    sessions,
    paidGrace: createPaidGraceRepository(redis),
    holdsInDoubt: createHoldsInDoubtRepository(redis),
    limits,
    authenticate,
    authenticateWith,
    requireAdmin,
    queueTokensIssued,
  }, {
    logger,
    metrics,
    authFailures,
    jwks: keys.jwks,
    // The gateway's own dependency only: were upstreams part of it, one service dipping would pull
    // every gateway out of rotation. A down upstream shows as 503s and gateway_upstream_errors_total.
    readiness: {
      redis: async () => {
        await redis.ping();
      },
    },
  });

  const served = await serve({
    app,
    config: { ...config, PORT: listenPort(config) },
    logger,
    closers: [() => redis.quit(), () => Promise.all(upstreams.map((u) => u.close()))],
  });
  return { port: served.port, stop: served.stop };
}
