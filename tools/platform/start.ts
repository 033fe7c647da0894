/**
 * Starts the whole platform from built bundles: queue, booking and payment services (replicas
 * as asked) and the gateway, then makes sure an admin and a demo concert exist.
 *
 *   npx tsx tools/platform/start.ts [--booking 2] [--payment 2] [--queue 1] [--port 8080]
 */
import { parseArgs } from 'node:util';
import { startPlatform, type Platform } from '@concert/testing';
import { seedDemo } from './seed-demo';

const { values } = parseArgs({
  options: {
    booking: { type: 'string', default: process.env.BOOKING_REPLICAS ?? '1' },
    payment: { type: 'string', default: process.env.PAYMENT_REPLICAS ?? '1' },
    queue: { type: 'string', default: process.env.QUEUE_REPLICAS ?? '1' },
    port: { type: 'string', default: process.env.GATEWAY_PORT ?? '8080' },
    database: { type: 'string', default: process.env.PLATFORM_DATABASE ?? 'concert' },
  },
});

const admin = {
  email: process.env.ADMIN_EMAIL ?? 'admin@concert.local',
  password: process.env.ADMIN_PASSWORD ?? 'admin-password-123',
};

async function main(): Promise<void> {
  const running: { platform?: Platform } = {};
  const stop = async (signal: string) => {
    console.log(`\n[concert] ${signal}: stopping services…`);
    await running.platform?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const platform = await startPlatform({
    database: values.database,
    basePort: Number(values.port),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    logDir: 'tmp/logs/platform',
    replicas: {
      'booking-service': Number(values.booking),
      'payment-service': Number(values.payment),
      'queue-service': Number(values.queue),
    },
    env: {
      NODE_ENV: 'development',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      ...(process.env.RESERVATION_HOLD_SECONDS ? { RESERVATION_HOLD_SECONDS: process.env.RESERVATION_HOLD_SECONDS } : {}),
    },
  });
  running.platform = platform;
  const concert = await seedDemo(platform.gatewayUrl, admin);
  const base = platform.gatewayUrl.replace(/\/api\/v1$/, '');
  console.log(`
[concert] platform is up
  web app     ${base}/   (fans and, logged in as the admin, the operators' console)
  gateway     ${platform.gatewayUrl}
  API docs    ${base}/docs   (OpenAPI: ${base}/openapi.json)
  services    ${platform.services.map((s) => `${s.name}:${s.port}`).join('  ')}
  logs        tmp/logs/platform/
  admin       ${admin.email} / ${admin.password}
  demo        "${concert.title}" ${concert.id} (${concert.totalSeats} seats, ${concert.price}, ${concert.status})
Press Ctrl-C to stop.`);
}

main().catch((err) => {
  console.error('[concert] start failed:', err);
  process.exit(1);
});
