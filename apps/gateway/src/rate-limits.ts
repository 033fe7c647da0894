import type { RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type Logger } from '@concert/service-kit';
import type { Counter } from 'prom-client';
import type { GatewayConfig } from './config';

type LimiterName = 'ip' | 'user' | 'enqueue' | 'login';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
export const isLoopback = (ip: string | undefined) => !!ip && LOOPBACK.test(ip);

/**
 * Redis-backed limits, shared by every gateway replica: per client IP, per user, enqueue attempts
 * per user per concert (bots), login attempts per e-mail (credential stuffing). When Redis fails
 * the limits fail open: refusing every fan because a counter is unreachable is the worse outage.
 */
export function createRateLimits(redis: Redis, c: GatewayConfig, deps: { logger: Logger; limited: Counter<string> }) {
  const make = (name: LimiterName, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${c.RATE_LIMIT_KEY_PREFIX}:${name}`, points, duration });
  const limiters: Record<LimiterName, RateLimiterRedis> = {
    ip: make('ip', c.RATE_LIMIT_IP_POINTS, c.RATE_LIMIT_IP_DURATION_SECONDS),
    user: make('user', c.RATE_LIMIT_USER_POINTS, c.RATE_LIMIT_USER_DURATION_SECONDS),
    enqueue: make('enqueue', c.RATE_LIMIT_ENQUEUE_POINTS, c.RATE_LIMIT_ENQUEUE_DURATION_SECONDS),
    login: make('login', c.RATE_LIMIT_LOGIN_POINTS, c.RATE_LIMIT_LOGIN_DURATION_SECONDS),
  };

  async function consume(name: LimiterName, key: string, res: Response): Promise<void> {
    if (!c.RATE_LIMIT_ENABLED) return;
    try {
      await limiters[name].consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        deps.logger.warn({ err, limiter: name }, 'rate limiter unavailable; letting the request through');
        return;
      }
      deps.limited.inc({ limiter: name });
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
      throw new AppError('RATE_LIMITED', 'Too many requests; retry later');
    }
  }

  const perIp: RequestHandler = async (req, res, next) => {
    if (isLoopback(req.ip) && !c.RATE_LIMIT_LOOPBACK) return next();
    await consume('ip', req.ip ?? 'unknown', res);
    next();
  };

  return {
    perIp,
    user: (userId: string, res: Response) => consume('user', userId, res),
    enqueue: (userId: string, concertId: string, res: Response) => consume('enqueue', `${concertId}:${userId}`, res),
    login: (email: string, res: Response) => consume('login', email, res),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
