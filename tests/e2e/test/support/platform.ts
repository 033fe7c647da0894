import { startPlatform, TEST_REDIS_PORT, uniqueName, type Platform, type PlatformOptions } from '@concert/testing';
import { Api, E2E_ADMIN as ADMIN } from '@concert/testing';

/** Its own database and Redis db: the books it reconciles hold only what the platform did. */
export const E2E_DATABASE = 'concert_e2e';

/**
 * Each end-to-end file runs its own platform: two replicas of booking and payment, a topic
 * namespace of its own on the shared broker, database concert_e2e and Redis db 2.
 */
export async function e2ePlatform(opts: PlatformOptions = {}): Promise<{ platform: Platform; api: Api }> {
  const platform = await startPlatform({
    replicas: { 'booking-service': 2, 'payment-service': 2 },
    topicPrefix: `${uniqueName('e2e')}.`,
    database: E2E_DATABASE,
    redisUrl: `redis://127.0.0.1:${TEST_REDIS_PORT}/2`,
    ...opts,
    env: {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_LOOPBACK: 'false',
      ...opts.env,
    },
  });
  return { platform, api: new Api(platform.gatewayUrl) };
}
