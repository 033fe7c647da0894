import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, type Logger } from '@concert/service-kit';
import type { Counter } from 'prom-client';
import type { GatewayConfig } from '../config';

type LimiterName = 'ip' | 'user' | 'enqueue' | 'login' | 'auth' | 'signup';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const isLoopback = (ip: string | undefined) => !!ip && LOOPBACK.test(ip);

// One failed login: count it (for a day, reset by a success) and, past the free ones, block this
// (e-mail, client) pair for 2^(n-free-1) seconds, capped. Returns the block in seconds (0 = none).
const LOGIN_FAILED = `
local n = redis.call('incr', KEYS[1])
redis.call('expire', KEYS[1], 86400)
local free = tonumber(ARGV[1])
if n <= free then return 0 end
local s = math.min(2 ^ (n - free - 1), tonumber(ARGV[2]))
redis.call('set', KEYS[2], '1', 'EX', s)
return s`;

/**
 * Redis-backed limits, shared by every gateway replica: per user, enqueue attempts per user per
 * concert (bots), every /auth/* call and signups per client, and logins per (e-mail, client) with
 * exponential backoff after failures: an attacker elsewhere can slow down only their own
 * attempts, never lock the owner of the e-mail out. When Redis fails the limits fail open:
 * refusing every fan because a counter is unreachable is the worse outage.
 *
 * The blanket per-address limit is the exception: it is counted in each replica's memory. It
 * guards every API request against a flood from one address, so a Redis round trip for it would
 * cost more than most requests' own work; with N replicas behind a balancer an address gets up
 * to N times RATE_LIMIT_IP_POINTS, which is what a flood guard needs (the budgets that matter for
 * security, above, stay shared).
 */
export function createRateLimits(redis: Redis, c: GatewayConfig, deps: { logger: Logger; limited: Counter<string> }) {
  const make = (name: LimiterName, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${c.RATE_LIMIT_KEY_PREFIX}:${name}`, points, duration });
  const limiters: Record<LimiterName, RateLimiterAbstract> = {
    ip: new RateLimiterMemory({ keyPrefix: 'ip', points: c.RATE_LIMIT_IP_POINTS, duration: c.RATE_LIMIT_IP_DURATION_SECONDS }),
    user: make('user', c.RATE_LIMIT_USER_POINTS, c.RATE_LIMIT_USER_DURATION_SECONDS),
    enqueue: make('enqueue', c.RATE_LIMIT_ENQUEUE_POINTS, c.RATE_LIMIT_ENQUEUE_DURATION_SECONDS),
    login: make('login', c.RATE_LIMIT_LOGIN_POINTS, c.RATE_LIMIT_LOGIN_DURATION_SECONDS),
    auth: make('auth', c.RATE_LIMIT_AUTH_POINTS, c.RATE_LIMIT_AUTH_DURATION_SECONDS),
    signup: make('signup', c.RATE_LIMIT_SIGNUP_POINTS, c.RATE_LIMIT_SIGNUP_DURATION_SECONDS),
  };
  const failKey = (pair: string) => `${c.RATE_LIMIT_KEY_PREFIX}:loginfail:${pair}`;
  const blockKey = (pair: string) => `${c.RATE_LIMIT_KEY_PREFIX}:loginblock:${pair}`;

  // The error carries the wait; the one error mapper sends it as Retry-After.
  const refuse = (name: LimiterName, ms: number): never => {
    deps.limited.inc({ limiter: name });
    throw new AppError('RATE_LIMITED', 'Too many requests; retry later', undefined, Math.max(1, Math.ceil(ms / 1000)));
  };

  const unavailable = (err: unknown, limiter: string) => deps.logger.warn({ err, limiter }, 'rate limiter unavailable; letting the request through');

  async function consume(name: LimiterName, key: string): Promise<void> {
    if (!c.RATE_LIMIT_ENABLED) return;
    try {
      await limiters[name].consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) return unavailable(err, name);
      refuse(name, err.msBeforeNext);
    }
  }

  // Loopback is exempt from the per-client limits unless RATE_LIMIT_LOOPBACK (a local load test is one address).
  const exempt = (client: string) => !c.RATE_LIMIT_ENABLED || (isLoopback(client) && !c.RATE_LIMIT_LOOPBACK);
  const perClient = (name: LimiterName) => async (client: string) => {
    if (!exempt(client)) await consume(name, client);
  };

  return {
    /** No limit applies to this client (limits off, or loopback while RATE_LIMIT_LOOPBACK is off). */
    exempt,
    /** The blanket per-address flood guard, in this replica's memory; for a client that is not exempt. */
    ip: (client: string) => consume('ip', client),
    /** Every /auth/* call, per client address. */
    auth: perClient('auth'),
    /** Signups per client address. */
    signup: perClient('signup'),
    user: (userId: string) => consume('user', userId),
    enqueue: (userId: string, concertId: string) => consume('enqueue', `${concertId}:${userId}`),
    /** Before checking a password: the (e-mail, client) pair's attempt budget, and its backoff after failures. */
    async login(email: string, client: string): Promise<void> {
      if (!c.RATE_LIMIT_ENABLED) return;
      const pair = `${email}|${client}`;
      let blockedMs = 0;
      try {
        blockedMs = await redis.pttl(blockKey(pair));
      } catch (err) {
        unavailable(err, 'login-backoff');
      }
      if (blockedMs > 0) refuse('login', blockedMs);
      await consume('login', pair);
    },
    async loginFailed(email: string, client: string): Promise<void> {
      if (!c.RATE_LIMIT_ENABLED) return;
      const pair = `${email}|${client}`;
      await redis.eval(LOGIN_FAILED, 2, failKey(pair), blockKey(pair), c.LOGIN_FREE_FAILURES, c.LOGIN_BACKOFF_MAX_SECONDS).catch((err: unknown) => unavailable(err, 'login-backoff'));
    },
    async loginSucceeded(email: string, client: string): Promise<void> {
      if (!c.RATE_LIMIT_ENABLED) return;
      await redis.del(failKey(`${email}|${client}`)).catch((err: unknown) => unavailable(err, 'login-backoff'));
    },
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
