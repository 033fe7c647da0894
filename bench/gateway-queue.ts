/**
 * Gateway throughput on the waiting-room hot path: queue-token issues/s (POST
 * /concerts/{id}/queue/tokens) and status polls/s (GET /queue/status), each with p50/p99, beside
 * a bare Express "hello" server and the gateway's own /healthz measured in the same run.
 *
 *   npx tsx bench/gateway-queue.ts [--fans 3000] [--polls 6000] [--concurrency 64] [--out bench/results/gateway-queue.json]
 *
 * Starts its own platform (one process per service) on ports 19181+. Fans get access tokens
 * minted with the gateway's own key file and session key in Redis, exactly what a login leaves
 * behind, because signup (scrypt) would dominate the run and is not what is measured here.
 * Everything shares this 2-core machine with the load generator: read the ratios, not the
 * absolute numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { SignJWT, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { startPlatform, uniqueName, waitFor } from '@concert/testing';
import { createLoadClient } from './lib/http';
import { measure, printTable, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    fans: { type: 'string', default: '3000' },
    polls: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '64' },
    out: { type: 'string', default: 'bench/results/gateway-queue.json' },
  },
});
const FANS = Number(values.fans);
const POLLS = Number(values.polls);
const CONC = Number(values.concurrency);
const BASE_PORT = 19180;
const HELLO_PORT = 19199;
const REDIS_URL = 'redis://127.0.0.1:6379/2';
const ISSUER = 'concert-gateway';
const AUDIENCE = 'concert-api';

async function main(): Promise<void> {
  for (const app of ['gateway', 'queue-service', 'booking-service', 'payment-service']) {
    const r = spawnSync(process.execPath, ['tools/build-app.mjs', app], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`build of ${app} failed`);
  }
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const keysFile = join(mkdtempSync(join(tmpdir(), 'bench-keys-')), 'jwt-keys.json');
  const keyFileBody = { alg: 'EdDSA', privateKey: await exportPKCS8(privateKey), publicKey: await exportSPKI(publicKey), createdAt: new Date().toISOString() };
  writeFileSync(keysFile, JSON.stringify(keyFileBody), { mode: 0o600 });

  const platform = await startPlatform({
    basePort: BASE_PORT,
    redisUrl: REDIS_URL,
    topicPrefix: `${uniqueName('gwbench')}.`,
    env: { LOG_LEVEL: 'warn', QUEUE_DEFAULT_ADMIT_PER_SECOND: '500', QUEUE_DEFAULT_MAX_ACTIVE: '1000' },
    perService: { gateway: { JWT_KEYS_FILE: keysFile } },
  });
  const hello = spawn(
    process.execPath,
    ['-e', `const e=require('express');const a=e();a.disable('x-powered-by');a.get('/hello',(q,s)=>{s.json({hello:'world'})});a.listen(${HELLO_PORT},'127.0.0.1')`],
    { stdio: 'inherit' },
  );
  const redis = new Redis(REDIS_URL);
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${HELLO_PORT}/hello`).catch(() => null))?.ok === true, { timeoutMs: 10_000 });

    const mint = async (userId: string, role: 'user' | 'admin') => {
      const jti = randomUUID();
      const token = await new SignJWT({ role, email: `${userId}@bench.test` })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setJti(jti)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
      await redis.set(`token:active:${userId}`, jti, 'EX', 3600);
      return token;
    };
    const gw = createLoadClient(platform.gatewayUrl, CONC * 2);
    const bare = createLoadClient(`http://127.0.0.1:${HELLO_PORT}`, CONC * 2);
    const gwRoot = createLoadClient(platform.gatewayUrl.replace(/\/api\/v1$/, ''), CONC * 2);
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });

    const admin = await mint(randomUUID(), 'admin');
    const now = Date.now();
    const concert = await gw<{ id: string }>('POST', '/admin/concerts', {
      headers: auth(admin),
      body: {
        title: 'Gateway queue bench',
        artist: 'Load',
        venue: 'Loopback',
        concertDate: '2027-06-01',
        concertTime: '20:00:00',
        totalSeats: 50,
        price: '100.00',
        bookingStartTime: new Date(now - 60_000).toISOString(),
        bookingEndTime: new Date(now + 3_600_000).toISOString(),
      },
    });
    if (concert.status !== 201) throw new Error(`create concert: ${concert.status} ${JSON.stringify(concert.body)}`);
    const concertId = concert.body.id;
    await gw('PATCH', `/admin/concerts/${concertId}`, { headers: auth(admin), body: { status: 'BOOKING_OPEN' } });

    const tokens = await Promise.all(Array.from({ length: FANS }, () => mint(randomUUID(), 'user')));
    const queueTokens: string[] = new Array(FANS);

    const rows: StepResult[] = [];
    const step = async (name: string, n: number, task: (i: number) => Promise<boolean>) => {
      await measure(Math.min(300, n), CONC, (i) => task(i % n)); // warm-up, not recorded
      const m = await measure(n, CONC, task);
      const row = summarize(name, m.latencies, m.errors, m.seconds);
      rows.push(row);
      console.log(`${name.padEnd(24)} ${row.requests} req, ${row.errors} errors, ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`);
      return row;
    };

    const helloRow = await step('bare express GET /hello', POLLS, async () => (await bare('GET', '/hello')).status === 200);
    const healthRow = await step('gateway GET /healthz', POLLS, async () => (await gwRoot('GET', '/healthz')).status === 200);
    // The warm-up enqueues the first fans; the measured run then sees them as "already queued" (200).
    const issueRow = await step('queue token issue', FANS, async (i) => {
      const r = await gw<{ queueToken: string }>('POST', `/concerts/${concertId}/queue/tokens`, { headers: auth(tokens[i]!) });
      queueTokens[i] = r.body.queueToken;
      return r.status === 201 || r.status === 200;
    });
    const pollRow = await step('queue status poll', POLLS, async (j) => {
      const i = j % FANS;
      const r = await gw('GET', '/queue/status', { headers: { ...auth(tokens[i]!), 'x-queue-token': queueTokens[i]! } });
      return r.status === 200;
    });

    printTable(`Gateway queue path — ${FANS} fans, concurrency ${CONC}`, rows);
    const ratio = (r: StepResult) => Math.round((r.rps / helloRow.rps) * 1000) / 1000;
    const ratios = { issueVsHello: ratio(issueRow), pollVsHello: ratio(pollRow), healthzVsHello: ratio(healthRow) };
    console.log('throughput relative to bare express:', ratios);
    saveJson(values.out as string, {
      bench: 'gateway-queue',
      at: new Date().toISOString(),
      machine: '2 cores, load generator and all services on the same host',
      fans: FANS,
      polls: POLLS,
      concurrency: CONC,
      rows,
      ratios,
    });
  } finally {
    await redis.quit();
    await platform.stop();
    hello.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
