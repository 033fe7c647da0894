import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServiceProcess, freePort, testDatabaseUrl, testKafkaBrokers, testRedisUrl } from '@concert/testing';

/** Runs the real, built services as child processes for gateway tests. */

export const REPO_ROOT = resolve(__dirname, '../../../..');
export type ServiceName = 'queue-service' | 'booking-service' | 'payment-service';
export const SERVICES: ServiceName[] = ['queue-service', 'booking-service', 'payment-service'];

/** Bundles the apps with tools/build-app.mjs; throws with esbuild's output when one does not build. */
export function buildApps(names: string[]): void {
  for (const name of names) {
    const r = spawnSync(process.execPath, ['tools/build-app.mjs', name], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build of ${name} failed:\n${r.stdout}\n${r.stderr}`);
  }
}

export interface RunningService {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts `node dist/apps/<name>/main.js` (libs/testing's ServiceProcess) and waits until it is ready. */
async function spawnService(name: ServiceName, env: Record<string, string>): Promise<RunningService> {
  const port = Number(env.PORT ?? (await freePort()));
  const logDir = resolve(REPO_ROOT, 'tmp/logs');
  mkdirSync(logDir, { recursive: true });
  const proc = new ServiceProcess(
    name,
    port,
    { NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    resolve(logDir, `gateway-test-${name}-${port}.log`),
  );
  try {
    await proc.start();
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { name, url: proc.url, port, stop: () => proc.stop() };
}

export interface Stack {
  queue: RunningService;
  booking: RunningService;
  payment: RunningService;
  internalKeys: { INTERNAL_KEY_GATEWAY: string; INTERNAL_KEY_PAYMENT: string };
  admin: { email: string; password: string };
  /** Env for a gateway talking to this stack. */
  gatewayEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The three services on free ports, sharing test Postgres (concert_test, each with its own role),
 * Redis and Kafka, isolated by a unique topic prefix, group ids and Redis key prefixes.
 */
export async function startStack(overrides: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<Stack> {
  buildApps(SERVICES);
  const id = randomBytes(4).toString('hex');
  const db = new URL(await testDatabaseUrl());
  const dbAs = (role: string) => {
    const u = new URL(db);
    u.username = role;
    u.password = role;
    return u.toString();
  };
  const internalKeys = { INTERNAL_KEY_GATEWAY: `gw-${randomBytes(16).toString('hex')}`, INTERNAL_KEY_PAYMENT: `pay-${randomBytes(16).toString('hex')}` };
  const admin = { email: `admin-${id}@example.test`, password: `pw-${id}-secret` };
  const common = {
    REDIS_URL: await testRedisUrl(),
    KAFKA_BROKERS: (await testKafkaBrokers()).join(','),
    KAFKA_TOPIC_PREFIX: `t${id}.`,
    KAFKA_FROM_BEGINNING: 'true',
    ...internalKeys,
    MIGRATE_ON_START: 'true',
  };
  const [queuePort, bookingPort, paymentPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const started: RunningService[] = [];
  try {
    const [queue, booking] = await Promise.all([
      spawnService('queue-service', {
        ...common,
        PORT: String(queuePort),
        KAFKA_GROUP_ID: `queue-${id}`,
        REDIS_KEY_PREFIX: `t${id}:`,
        ...overrides['queue-service'],
      }).then((s) => (started.push(s), s)),
      spawnService('booking-service', {
        ...common,
        PORT: String(bookingPort),
        DATABASE_URL: dbAs('booking_svc'),
        KAFKA_GROUP_ID: `booking-${id}`,
        BULLMQ_PREFIX: `{booking-${id}}`,
        ...overrides['booking-service'],
      }).then((s) => (started.push(s), s)),
    ]);
    const payment = await spawnService('payment-service', {
      ...common,
      PORT: String(paymentPort),
      DATABASE_URL: dbAs('payment_svc'),
      KAFKA_GROUP_ID: `payment-${id}`,
      BOOKING_SERVICE_URL: booking.url,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      ...overrides['payment-service'],
    });
    started.push(payment);
    return {
      queue,
      booking,
      payment,
      internalKeys,
      admin,
      gatewayEnv: {
        INTERNAL_KEY_GATEWAY: internalKeys.INTERNAL_KEY_GATEWAY,
        QUEUE_SERVICE_URL: queue.url,
        QUEUE_REDIS_KEY_PREFIX: `t${id}:`,
        BOOKING_SERVICE_URL: booking.url,
        PAYMENT_SERVICE_URL: payment.url,
      },
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}
