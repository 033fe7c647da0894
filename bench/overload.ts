/**
 * Overload figures (issue 9): what a login storm does to the platform.
 *
 *   npx tsx bench/overload.ts [--storm 300] [--fans 60]
 *
 * 1. The hashing limit: argon2id at the production cost (OWASP minimum), hashes/s on one core
 *    and with every core busy, measured in this process before the platform starts.
 * 2. Its own platform, production settings, one replica of each service (as `npm start`).
 *    `--fans` fans each hold two seats; they pay for the first with no storm (baseline p99), then
 *    for the second while `--storm` new fans sign up at once and then log in at once, retrying
 *    after each Retry-After as a real client does.
 * 3. Signups/s achieved against the hashing limit, payments p99 with and without the storm, and
 *    the CPU seconds the services spend after the storm's last answer (abandoned work shows here).
 * Saves JSON to bench/results/overload.json.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import { Api, sleep, startPlatform, uniqueName, type Platform } from '@concert/testing';

const { values } = parseArgs({
  options: {
    storm: { type: 'string', default: '300' },
    fans: { type: 'string', default: '60' },
    out: { type: 'string', default: 'bench/results/overload.json' },
  },
});
const STORM = Number(values.storm);
const FANS = Number(values.fans);
const DATABASE = 'concert_overload';
const ADMIN = { email: 'admin@bench.test', password: 'admin-password-bench' };
const PASSWORD = 'correct-horse-battery';
const CORES = availableParallelism();
const ARGON2ID = { algorithm: 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

async function hashesPerSecond(parallel: number, seconds = 4): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let n = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < until) {
        await hash(`pw-${n}`, ARGON2ID);
        n++;
      }
    }),
  );
  return n / ((Date.now() - started) / 1000);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function main(): Promise<void> {
  const perCore = await hashesPerSecond(1);
  const allCores = await hashesPerSecond(CORES);
  console.log(`hashing limit: ${perCore.toFixed(1)} hashes/s per core × ${CORES} cores = ${(perCore * CORES).toFixed(1)}/s (measured with all cores busy: ${allCores.toFixed(1)}/s)`);

  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`], { stdio: 'inherit' });
  execFileSync('bash', ['infra/scripts/db-bootstrap.sh', DATABASE], { stdio: 'inherit' });
  const platform: Platform = await startPlatform({
    database: DATABASE,
    redisUrl: 'redis://127.0.0.1:6379/3',
    basePort: 19180,
    topicPrefix: `${uniqueName('bench-overload')}.`,
    env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' },
  });
  try {
    const result = await run(platform, { perCore, allCores });
    mkdirSync(dirname(values.out as string), { recursive: true });
    writeFileSync(values.out as string, JSON.stringify({ date: new Date().toISOString(), commit: gitCommit(), ...result }, null, 2));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await platform.stop();
  }
}

async function run(platform: Platform, hashing: { perCore: number; allCores: number }) {
  const api = new Api(platform.gatewayUrl);
  const admin = await api.login(ADMIN.email, ADMIN.password);
  const now = Date.now();
  const concert = await api.req<{ id: string }>('POST', '/admin/concerts', {
    token: admin,
    body: {
      title: 'Overload bench', artist: 'Bench', venue: 'Loopback', concertDate: '2027-03-01', concertTime: '19:00:00',
      totalSeats: FANS * 2, price: '100.00',
      bookingStartTime: new Date(now - 60_000).toISOString(), bookingEndTime: new Date(now + 3_600_000).toISOString(),
    },
  });
  await api.req('PATCH', `/admin/concerts/${concert.body.id}`, { token: admin, body: { status: 'BOOKING_OPEN' } });
  await api.req('PUT', `/admin/concerts/${concert.body.id}/queue-policy`, { token: admin, body: { admitPerSecond: 1000, maxActive: 1000, activeTtlSeconds: 600 } });

  // Fans with two holds each: one paid without a storm, one during it.
  const fans = await Promise.all(Array.from({ length: FANS }, async (_, i) => {
    const u = await api.newUser('payer');
    await api.charge(u.token, '1000.00');
    const q = await api.req<{ queueToken: string }>('POST', `/concerts/${concert.body.id}/queue/tokens`, { token: u.token });
    for (;;) {
      const s = await api.req<{ status: string }>('GET', '/queue/status', { token: u.token, queueToken: q.body.queueToken });
      if (s.body.status === 'ACTIVE') break;
      await sleep(200);
    }
    const holds: string[] = [];
    for (const seat of [2 * i + 1, 2 * i + 2]) {
      const h = await api.req<{ id: string }>('POST', '/reservations', { token: u.token, queueToken: q.body.queueToken, body: { concertId: concert.body.id, seatNumber: seat } });
      if (h.status !== 201) throw new Error(`hold ${h.status} ${JSON.stringify(h.body)}`);
      holds.push(h.body.id);
    }
    return { ...u, queueToken: q.body.queueToken, holds };
  }));

  /** Pays hold `which` of every fan, 5 at a time, spread over the phase; latencies in ms. */
  const pay = async (which: number, spreadMs: number) => {
    const lat: number[] = [];
    let next = 0;
    const gap = spreadMs / FANS;
    await Promise.all(Array.from({ length: 5 }, async () => {
      for (let i = next++; i < FANS; i = next++) {
        await sleep(Math.max(0, i * gap - (Date.now() - t0)));
        const f = fans[i]!;
        const s = Date.now();
        const r = await api.req('POST', '/payments', { token: f.token, queueToken: f.queueToken, idempotencyKey: randomUUID(), body: { reservationId: f.holds[which] } });
        if (r.status !== 201) throw new Error(`pay ${r.status} ${JSON.stringify(r.body)}`);
        lat.push(Date.now() - s);
      }
    }));
    return lat;
  };
  let t0 = Date.now();
  const quiet = await pay(0, 6000);

  // The storm: signups at once, then logins at once; payments go on meanwhile.
  const stormFans = Array.from({ length: STORM }, (_, i) => `storm-${i}-${randomUUID()}@bench.test`);
  const stormStart = Date.now();
  t0 = Date.now();
  const paying = pay(1, 10_000);
  const signups = await Promise.all(stormFans.map((email) => api.req('POST', '/auth/signup', { body: { email, name: 'storm', password: PASSWORD } })));
  const signupSeconds = (Date.now() - stormStart) / 1000;
  const loginStart = Date.now();
  const logins = await Promise.all(stormFans.map((email) => api.req('POST', '/auth/login', { body: { email, password: PASSWORD } })));
  const lastAnswer = Date.now();
  const cpuAtLast = platform.services.reduce((s, p) => s + p.cpuSeconds(), 0);
  const loginSeconds = (lastAnswer - loginStart) / 1000;
  const stormed = await paying;
  await sleep(5000);
  const cpuAfter = platform.services.reduce((s, p) => s + p.cpuSeconds(), 0) - cpuAtLast;

  const refusals = api.refusals.filter((r) => r.path.startsWith('/auth/'));
  return {
    cores: CORES,
    hashing: {
      perCorePerSecond: round(hashing.perCore),
      limitPerSecond: round(hashing.perCore * CORES),
      measuredAllCoresPerSecond: round(hashing.allCores),
    },
    storm: {
      fans: STORM,
      signupsOk: signups.filter((r) => r.status === 201).length,
      signupsPerSecond: round(STORM / signupSeconds),
      loginsOk: logins.filter((r) => r.status === 200).length,
      loginsPerSecond: round(STORM / loginSeconds),
      refusals503: refusals.filter((r) => r.status === 503).length,
      otherErrors: refusals.filter((r) => r.status !== 503).length,
    },
    payments: {
      withoutStorm: { n: quiet.length, p50: pct(quiet, 50), p99: pct(quiet, 99) },
      duringStorm: { n: stormed.length, p50: pct(stormed, 50), p99: pct(stormed, 99) },
    },
    cpuSecondsInTheFiveSecondsAfterTheLastAnswer: round(cpuAfter),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
const gitCommit = () => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  } catch {
    return 'unknown';
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
