import { parentPort, workerData } from 'node:worker_threads';
import { createDb, createPool, enqueueEvent } from '../src';
import { sleep } from '@concert/testing';
import { testEnvelope } from '../test/support/envelope';
import { serviceTables } from '../test/support/test-schema';
import { nowMs } from './clock';

export interface WriterInput {
  url: string;
  schemaName: string;
  topic: string;
  rate: number;
  seconds: number;
  aggregates: number;
}
export interface WriterResult {
  commits: Array<[string, number]>;
  writeErrors: number;
  seconds: number;
}

/** A service's write path: one transaction per event, at a steady rate, commit times recorded. */
async function write(input: WriterInput): Promise<WriterResult> {
  const pool = createPool(input.url, { max: 30, applicationName: 'outbox-bench-writer' });
  const tables = serviceTables(input.schemaName);
  const db = createDb(pool, tables);
  const total = input.rate * input.seconds;
  const commits: Array<[string, number]> = [];
  let issued = 0;
  let inFlight = 0;
  let writeErrors = 0;
  const writeOne = async (i: number) => {
    inFlight++;
    const envelope = testEnvelope('bench', { seq: i });
    try {
      await db.transaction((tx) =>
        enqueueEvent(tx, tables.outbox, { topic: input.topic, key: `agg-${i % input.aggregates}`, aggregateType: 'bench', envelope }),
      );
      commits.push([envelope.eventId, nowMs()]);
    } catch {
      writeErrors++;
    } finally {
      inFlight--;
    }
  };
  const start = nowMs();
  while (issued < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * input.rate));
    while (issued < due && inFlight < 200) void writeOne(issued++);
    await sleep(2);
  }
  while (inFlight > 0) await sleep(5);
  const seconds = (nowMs() - start) / 1000;
  await pool.end();
  return { commits, writeErrors, seconds };
}

write(workerData as WriterInput).then(
  (result) => parentPort?.postMessage(result),
  (err: unknown) => {
    throw err;
  },
);
