/**
 * queue-service alone: enqueue/s and status polls/s on its internal API, with latency
 * percentiles. A flash crowd: one concert whose only active slot is taken, so every arrival
 * goes to the back of the line (the Lua path that takes a sequence number), then the waiting
 * fans poll their place.
 *
 *   npx tsx bench/queue-enqueue.ts [--enqueues 5000] [--polls 10000] [--concurrency 64]
 *
 * The service runs from its built bundle (dist/apps/queue-service/main.js, built here when
 * missing) as its own process, so the load generator does not share its event loop.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { createKafka, deleteTopics } from '@concert/messaging';
import { ServiceProcess, uniqueName, freePort } from '@concert/testing';
import { createLoadClient } from './lib/http';
import { measure, printTable, saveJson, summarize } from './lib/stats';

const { values } = parseArgs({
  options: {
    enqueues: { type: 'string', default: '5000' },
    polls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    out: { type: 'string', default: 'bench/results/queue-enqueue.json' },
  },
});
const ENQUEUES = Number(values.enqueues);
const POLLS = Number(values.polls);
const CONC = Number(values.concurrency);
const TOKEN = 'bench-internal-token-0123456789';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const ROOT = resolve(__dirname, '..');
const SERVICE = 'queue-service';

async function main(): Promise<void> {
  if (!existsSync(resolve(ROOT, 'dist/apps', SERVICE, 'main.js'))) {
    execFileSync(process.execPath, ['tools/build-app.mjs', SERVICE], { stdio: 'inherit', cwd: ROOT });
  }
  const id = uniqueName('qbench');
  const env = {
    INTERNAL_TOKEN: TOKEN,
    REDIS_URL,
    KAFKA_BROKERS: BROKERS,
    REDIS_KEY_PREFIX: `${id}:`,
    KAFKA_TOPIC_PREFIX: `${id}.`,
    KAFKA_GROUP_ID: `${id}-queue`,
    LOG_LEVEL: 'warn',
  };
  mkdirSync(resolve(ROOT, 'tmp'), { recursive: true });
  const proc = new ServiceProcess(SERVICE, await freePort(), env, resolve(ROOT, 'tmp', `${id}.log`));
  await proc.start();

  try {
    const call = createLoadClient(proc.url, CONC * 2);
    const headers = { [INTERNAL_TOKEN_HEADER]: TOKEN };
    const concert = randomUUID();
    await call('PUT', `/internal/queues/${concert}/policy`, {
      body: { admitPerSecond: 1, maxActive: 1, activeTtlSeconds: 3600 },
      headers,
    });
    await call('POST', `/internal/queues/${concert}/entries`, { body: { userId: randomUUID() }, headers });

    const users = Array.from({ length: ENQUEUES }, () => randomUUID());
    // Warm-up: JIT, connections, script cache.
    await measure(200, CONC, async () => {
      const r = await call('GET', `/internal/queues/${concert}/stats`, { headers });
      return r.status === 200;
    });

    const enq = await measure(ENQUEUES, CONC, async (i) => {
      const r = await call('POST', `/internal/queues/${concert}/entries`, { body: { userId: users[i] }, headers });
      return r.status === 201;
    });
    const polls = await measure(POLLS, CONC, async (i) => {
      const r = await call<{ status: string }>('GET', `/internal/queues/${concert}/entries/${users[i % ENQUEUES]}`, { headers });
      return r.status === 200 && r.body.status === 'WAITING';
    });
    const reEnq = await measure(Math.min(ENQUEUES, 2000), CONC, async (i) => {
      const r = await call('POST', `/internal/queues/${concert}/entries`, { body: { userId: users[i] }, headers });
      return r.status === 200;
    });

    const rows = [
      summarize('enqueue (new place)', enq.latencies, enq.errors, enq.seconds),
      summarize('status poll', polls.latencies, polls.errors, polls.seconds),
      summarize('re-enqueue (same place)', reEnq.latencies, reEnq.errors, reEnq.seconds),
    ];
    printTable(`queue-service internal API, own process, concurrency ${CONC}`, rows);
    saveJson(values.out as string, {
      bench: 'queue-enqueue',
      at: new Date().toISOString(),
      mode: 'spawned process',
      machine: { cpus: os.cpus().length, node: process.version },
      params: { enqueues: ENQUEUES, polls: POLLS, concurrency: CONC },
      results: rows,
    });
  } finally {
    await proc.stop();
    await cleanup(id);
  }
}


async function cleanup(id: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${id}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  const kafka = createKafka({ clientId: 'queue-bench', brokers: BROKERS.split(',') });
  await deleteTopics(kafka, [`${id}.payment.payment-completed.v1`]).catch(() => undefined);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
