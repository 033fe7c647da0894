/**
 * booking-service seat holds: holds/s and latency through the internal HTTP API of the built
 * service (dist/apps/booking-service/main.js, built here when missing) run as its own process, on
 * real Postgres, Redis and Kafka (outbox relay running).
 *
 *   npx tsx bench/booking-holds.ts [--distinct 3000] [--hot 3000] [--concurrency 50]
 *
 * Steps: holds on distinct seats (every one succeeds); a crowd on one hot seat (one succeeds, the
 * rest are turned away with SEAT_UNAVAILABLE) with the Redis seat lock on, then with it off (the
 * database alone turns them away; the service is restarted with SEAT_LOCK_TTL_MS=0 for that step).
 * Database `concert_bench`. Saves bench/results/booking-holds.json.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { ServiceProcess, uniqueName, freePort } from '@concert/testing';
import { createLoadClient, type LoadClient } from './lib/http';
import { measure, printTable, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    distinct: { type: 'string', default: '3000' },
    hot: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '50' },
    out: { type: 'string', default: 'bench/results/booking-holds.json' },
  },
});
const DISTINCT = Number(values.distinct);
const HOT = Number(values.hot);
const CONC = Number(values.concurrency);
const DATABASE = 'concert_bench';
const TOKEN = 'bench-internal-token-0123456789';

const ROOT = resolve(__dirname, '..');
const SERVICE = 'booking-service';

async function main(): Promise<void> {
  execFileSync('bash', ['infra/scripts/db-bootstrap.sh', DATABASE], { stdio: 'inherit', cwd: ROOT });
  if (!existsSync(resolve(ROOT, 'dist/apps', SERVICE, 'main.js'))) {
    execFileSync(process.execPath, ['tools/build-app.mjs', SERVICE], { stdio: 'inherit', cwd: ROOT });
  }
  const id = uniqueName('bbench');
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `postgres://booking_svc:booking_svc@127.0.0.1:5432/${DATABASE}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: `${id}.`,
    KAFKA_GROUP_ID: `${id}-booking`,
    BULLMQ_PREFIX: `{${id}}`,
    INTERNAL_TOKEN: TOKEN,
    DB_POOL_MAX: '20',
  };
  mkdirSync(resolve(ROOT, 'tmp'), { recursive: true });
  const launch = async (extra: Record<string, string> = {}) => {
    const proc = new ServiceProcess(SERVICE, await freePort(), { ...env, ...extra }, resolve(ROOT, 'tmp', `${id}.log`));
    await proc.start();
    return proc;
  };
  let svc = await launch();
  let call: LoadClient = createLoadClient(svc.url, CONC * 2);
  const headers = { [INTERNAL_TOKEN_HEADER]: TOKEN };
  const concert = async (totalSeats: number) => {
    const now = Date.now();
    const c = await call<{ id: string }>('POST', '/internal/concerts', {
      headers,
      body: {
        title: 'Bench',
        artist: 'Bench',
        venue: 'Bench',
        concertDate: '2030-01-01',
        concertTime: '20:00:00',
        totalSeats,
        price: '120000.00',
        bookingStartTime: new Date(now - 60_000).toISOString(),
        bookingEndTime: new Date(now + 3_600_000).toISOString(),
      },
    });
    await call('PATCH', `/internal/concerts/${c.body.id}`, { headers, body: { status: 'BOOKING_OPEN' } });
    return c.body.id;
  };
  const hold = (concertId: string, seatNumber: number) =>
    call<{ code?: string }>('POST', '/internal/reservations', {
      headers,
      body: { userId: randomUUID(), concertId, seatNumber },
    });

  try {
    const steps: StepResult[] = [];
    const outcomes: Record<string, Record<string, number>> = {};
    const count = (step: string, key: string) => {
      outcomes[step] ??= {};
      outcomes[step][key] = (outcomes[step][key] ?? 0) + 1;
    };

    // Warm-up: JIT, pools, prepared Redis scripts.
    const warmUp = async () => {
      const warm = await concert(200);
      await measure(200, CONC, async (i) => (await hold(warm, i + 1)).status === 201);
    };
    await warmUp();

    const distinct = await concert(DISTINCT);
    const svcCpu0 = await serviceCpuSeconds(svc);
    const cpu0 = process.cpuUsage();
    const r = await measure(DISTINCT, CONC, async (i) => {
      const res = await hold(distinct, i + 1);
      count('distinct seats', String(res.status));
      return res.status === 201;
    });
    const cpu = process.cpuUsage(cpu0);
    const svcCpuMs = ((await serviceCpuSeconds(svc)) - svcCpu0) * 1000;
    // Node CPU per hold, service process (with its relay) + this load generator: where the 2 cores go.
    const nodeCpuMsPerHold = Math.round(((cpu.user + cpu.system) / 1000 + svcCpuMs) / DISTINCT * 100) / 100;
    steps.push(summarize('distinct seats', r.latencies, r.errors, r.seconds));

    // A turned-away request is a correct answer on a hot seat: only other statuses are errors.
    const hotStep = async (name: string) => {
      const seatConcert = await concert(10);
      const m = await measure(HOT, CONC, async () => {
        const res = await hold(seatConcert, 5);
        count(name, res.status === 201 ? '201' : `${res.status} ${res.body.code ?? ''}`);
        return res.status === 201 || res.body.code === 'SEAT_UNAVAILABLE';
      });
      steps.push(summarize(name, m.latencies, m.errors, m.seconds));
    };
    await hotStep('one hot seat (Redis lock on)');
    await svc.stop();
    svc = await launch({ SEAT_LOCK_TTL_MS: '0' });
    call = createLoadClient(svc.url, CONC * 2);
    await warmUp();
    await hotStep('one hot seat (Redis lock off)');

    printTable(`booking-service holds (concurrency ${CONC}, ${cpus().length} CPUs, own process)`, steps);
    console.log('outcomes', outcomes);
    console.log(`node CPU per hold on distinct seats: ${nodeCpuMsPerHold} ms`);
    saveJson(String(values.out), {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      params: { distinct: DISTINCT, hot: HOT, concurrency: CONC },
      steps,
      outcomes,
      nodeCpuMsPerHold,
    });
  } finally {
    await svc.stop();
  }
}


/** process_cpu_seconds_total of the service process, from its /metrics. */
async function serviceCpuSeconds(svc: ServiceProcess): Promise<number> {
  const res = await fetch(`${svc.url}/metrics`);
  const m = /^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(await res.text());
  if (!m) throw new Error(`no process_cpu_seconds_total in ${svc.url}/metrics (status ${res.status})`);
  return Number(m[1]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
