import { execFileSync, spawnSync } from 'node:child_process';
import { generateSecrets } from '@concert/ops';
import { startPlatform, type Platform, type PlatformOptions } from '@concert/testing';
import type { LoadClient } from './http';

export const BENCH_ADMIN = { email: 'admin@bench.test', password: 'admin-password-bench' };
const SERVICES = ['gateway', 'queue-service', 'booking-service', 'payment-service'] as const;

/**
 * Builds the services and starts them on a recreated `database` and Redis db 3, as production
 * (`NODE_ENV=production`, fresh secrets, as `npm run ops -- secrets` makes them). Password
 * hashing is lowered for the run: a benchmark measures the sale, not scrypt.
 */
export async function startBenchPlatform(o: {
  database: string;
  basePort: number;
  topicPrefix: string;
  replicas?: PlatformOptions['replicas'];
}): Promise<{ platform: Platform; secrets: Record<string, string> }> {
  for (const app of SERVICES) {
    const r = spawnSync(process.execPath, ['tools/build-app.mjs', app], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`build of ${app} failed`);
  }
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${o.database} WITH (FORCE)`], { stdio: 'inherit' });
  execFileSync('bash', ['infra/scripts/db-bootstrap.sh', o.database], { stdio: 'inherit' });
  const secrets = generateSecrets() as Record<string, string>;
  const platform = await startPlatform({
    database: o.database,
    redisUrl: 'redis://127.0.0.1:6379/3',
    basePort: o.basePort,
    topicPrefix: o.topicPrefix,
    ...(o.replicas ? { replicas: o.replicas } : {}),
    env: { ...secrets, NODE_ENV: 'production', ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password, LOG_LEVEL: 'warn' },
    perService: { 'payment-service': { PASSWORD_SCRYPT_N: '1024' } },
  });
  return { platform, secrets };
}

/** A concert open for booking from a minute ago for an hour, created by the admin. */
export async function openBenchConcert(call: LoadClient, adminToken: string, c: { title: string; seats: number; price: string }): Promise<string> {
  const now = Date.now();
  const auth = { authorization: `Bearer ${adminToken}` };
  const r = await call<{ id: string }>('POST', '/admin/concerts', {
    headers: auth,
    body: {
      title: c.title,
      artist: 'Load Test',
      venue: 'Loopback',
      concertDate: '2027-06-01',
      concertTime: '20:00:00',
      totalSeats: c.seats,
      price: c.price,
      bookingStartTime: new Date(now - 60_000).toISOString(),
      bookingEndTime: new Date(now + 3_600_000).toISOString(),
    },
  });
  if (r.status !== 201) throw new Error(`create concert: ${r.status} ${JSON.stringify(r.body)}`);
  await call('PATCH', `/admin/concerts/${r.body.id}`, { headers: auth, body: { status: 'BOOKING_OPEN' } });
  return r.body.id;
}
