/**
 * Commit→consumed latency of the outbox path. A writer thread commits one event per transaction
 * at a steady rate (a service's write path), the relay runs in the main thread, and a consumer
 * thread (another service) records arrivals. Threads keep the three event loops apart, as in a
 * deployment. Run from libs/db: `npx tsx bench/outbox-latency.ts` (env: RATE, SECONDS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { createPool, startOutboxRelay } from '../src';
import { createKafkaPublisher, deleteTopics } from '@concert/messaging';
import { sleep, testKafkaBrokers } from '@concert/testing';
import { createTopic, testKafka } from '../test/support/kafka';
import { createTestSchema, type TestSchema } from '../test/support/test-schema';
import type { ConsumerInput } from './latency-consumer';
import type { WriterInput, WriterResult } from './latency-writer';

const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 15);
const AGGREGATES = 200;
const PARTITIONS = 6;
const BATCH_SIZE = 500;

/** Workers start without tsx's loader: register it, then load the TypeScript entry. */
function tsWorker(file: string, workerData: unknown): Worker {
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(join(__dirname, file))});`;
  return new Worker(boot, { eval: true, workerData });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function nextMessage<T>(worker: Worker, pick: (m: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!pick(m)) return;
      worker.off('message', onMessage);
      resolve(m as T);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

async function main() {
  const s = await createTestSchema('outbox_bench');
  const pool = createPool(s.url, { max: 5, applicationName: 'outbox-bench-relay' });
  const kafka = await testKafka('outbox-bench');
  const topic = await createTopic(kafka, 'outbox_bench', PARTITIONS);
  const publisher = createKafkaPublisher(kafka);
  await publisher.connect();
  const relay = startOutboxRelay({ pool, schemaName: s.schemaName, publisher, batchSize: BATCH_SIZE, pollIntervalMs: 1000 });
  try {
    await measure(s, pool, topic);
  } finally {
    await relay.stop();
    await publisher.disconnect();
    await deleteTopics(kafka, [topic]).catch(() => undefined);
    await pool.end();
    await s.drop();
  }
}

async function measure(s: TestSchema, pool: pg.Pool, topic: string) {

  const consumerInput: ConsumerInput = { brokers: await testKafkaBrokers(), topic };
  const consumer = tsWorker('latency-consumer.ts', consumerInput);
  await nextMessage(consumer, (m) => m.ready === true);
  await sleep(1000); // let the group settle so the first events don't measure a rebalance

  console.log(`writing ${RATE * SECONDS} events at ${RATE}/s for ${SECONDS}s ...`);
  const writerInput: WriterInput = { url: s.url, schemaName: s.schemaName, topic, rate: RATE, seconds: SECONDS, aggregates: AGGREGATES };
  const writer = tsWorker('latency-writer.ts', writerInput);
  const written = await nextMessage<WriterResult>(writer, (m) => Array.isArray(m.commits));
  await writer.terminate();

  const deadline = Date.now() + 60_000;
  for (;;) {
    consumer.postMessage({ count: true });
    const { count } = await nextMessage<{ count: number }>(consumer, (m) => typeof m.count === 'number');
    if (count >= written.commits.length || Date.now() > deadline) break;
    await sleep(200);
  }
  consumer.postMessage({ finish: true });
  const { consumed } = await nextMessage<{ consumed: Array<[string, number]> }>(consumer, (m) => Array.isArray(m.consumed));
  await consumer.terminate();

  const committedAt = new Map(written.commits);
  const latencies = consumed.flatMap(([id, at]) => {
    const c = committedAt.get(id);
    return c === undefined ? [] : [at - c];
  });
  const sorted = latencies.sort((a, b) => a - b);
  // Split each event's path at the moment the relay marked it SENT (same host clock for both).
  const sentRows = await pool.query<{ event_id: string; sent_ms: number }>(
    `SELECT event_id, (extract(epoch FROM sent_at) * 1000)::float8 AS sent_ms FROM ${s.schemaName}.outbox`,
  );
  const sentAt = new Map(sentRows.rows.map((r) => [r.event_id, r.sent_ms]));
  const consumedAt = new Map(consumed);
  const relayPart = written.commits.map(([id, c]) => (sentAt.get(id) ?? NaN) - c).sort((a, b) => a - b);
  const brokerPart = written.commits.map(([id]) => (consumedAt.get(id) ?? NaN) - (sentAt.get(id) ?? NaN)).sort((a, b) => a - b);
  const { rows } = await pool.query<{ sent: number; seconds: number }>(
    `SELECT count(*)::int AS sent, extract(epoch FROM max(sent_at) - min(sent_at))::float8 AS seconds
       FROM ${s.schemaName}.outbox WHERE status = 'SENT'`,
  );
  const ms = (v: number | undefined) => +(v ?? NaN).toFixed(1);
  const result = {
    date: new Date().toISOString(),
    targetRatePerSec: RATE,
    seconds: SECONDS,
    events: RATE * SECONDS,
    committed: written.commits.length,
    writeErrors: written.writeErrors,
    achievedWriteRatePerSec: Math.round(written.commits.length / written.seconds),
    consumed: latencies.length,
    latencyMs: {
      p50: ms(percentile(sorted, 50)),
      p95: ms(percentile(sorted, 95)),
      p99: ms(percentile(sorted, 99)),
      max: ms(sorted[sorted.length - 1]),
    },
    // commit → marked SENT (publish acked) and SENT → consumer handler; p99s do not add up exactly.
    commitToSentMs: { p50: ms(percentile(relayPart, 50)), p99: ms(percentile(relayPart, 99)) },
    sentToConsumedMs: { p50: ms(percentile(brokerPart, 50)), p99: ms(percentile(brokerPart, 99)) },
    relayThroughputPerSec: Math.round(rows[0]!.sent / Math.max(rows[0]!.seconds, 0.001)),
    config: { aggregates: AGGREGATES, partitions: PARTITIONS, relayBatchSize: BATCH_SIZE, relayReplicas: 1 },
  };

  console.table({
    'p50 ms': result.latencyMs.p50,
    'p95 ms': result.latencyMs.p95,
    'p99 ms': result.latencyMs.p99,
    'max ms': result.latencyMs.max,
    'commit→sent p50/p99 ms': `${result.commitToSentMs.p50} / ${result.commitToSentMs.p99}`,
    'sent→consumed p50/p99 ms': `${result.sentToConsumedMs.p50} / ${result.sentToConsumedMs.p99}`,
    'write rate ev/s': result.achievedWriteRatePerSec,
    'relay throughput ev/s': result.relayThroughputPerSec,
    consumed: `${result.consumed}/${result.committed}`,
  });
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'outbox-latency.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`p99 target < 50 ms: ${result.latencyMs.p99 < 50 ? 'met' : 'MISSED'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
