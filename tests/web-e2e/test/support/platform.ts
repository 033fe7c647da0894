import { Api, startPlatform, uniqueName, type Platform } from '@concert/testing';

/** The browser tests' own database and Redis db (4), so their books never mix with other suites'. */
export const WEB_E2E_DATABASE = 'concert_web';
export const WEB_ADMIN = { email: 'admin@web-e2e.test', password: 'admin-password-web' };
/** Short holds, so the expiry is seen in the browser within the test. */
export const HOLD_SECONDS = 40;

export async function webPlatform(): Promise<{ platform: Platform; api: Api; origin: string }> {
  const platform = await startPlatform({
    database: WEB_E2E_DATABASE,
    redisUrl: 'redis://127.0.0.1:6379/4',
    topicPrefix: `${uniqueName('web')}.`,
    basePort: 18380,
    logDir: 'tmp/logs/web-e2e',
    env: {
      ADMIN_EMAIL: WEB_ADMIN.email,
      ADMIN_PASSWORD: WEB_ADMIN.password,
      RESERVATION_HOLD_SECONDS: String(HOLD_SECONDS),
    },
  });
  return { platform, api: new Api(platform.gatewayUrl), origin: platform.gatewayUrl.replace(/\/api\/v1$/, '') };
}
