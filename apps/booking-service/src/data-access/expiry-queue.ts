import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, type Logger } from '@concert/service-kit';

export const EXPIRY_QUEUE = 'reservation-expiry';

export interface ExpiryJobData {
  reservationId: string;
}

/** BullMQ needs a connection that retries forever instead of failing commands. */
export const bullConnection = (url: string) => createRedis(url, { maxRetriesPerRequest: null, lazyConnect: false });

// Why a margin: the job must not fire before the database's clock passes reserved_until.
const FIRE_MARGIN_MS = 25;
// BullMQ's connection waits for Redis forever; a request must not.
const CALL_TIMEOUT_MS = 1000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: { count: 1000 } } as const;

/**
 * One delayed job per hold, with the reservation id as job id, so scheduling twice is a no-op.
 * Losing a job is harmless: the sweeper expires any hold past its deadline.
 *
 * Why batched and not awaited by the hold: adding a BullMQ job is a heavy script call, and a
 * sale's holds commit in bursts. Jobs asked for in the same turn of the event loop go to Redis
 * as one addBulk (one round trip), after the answer; a batch lost to a crash or a Redis outage
 * is what the sweeper is for.
 */
export class ExpiryQueue {
  readonly queue: Queue<ExpiryJobData>;
  private readonly connection: Redis;
  private pending: Array<{ reservationId: string; reservedUntil: Date }> = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.connection = bullConnection(redisUrl);
    this.queue = new Queue<ExpiryJobData>(EXPIRY_QUEUE, { connection: this.connection, prefix });
    this.queue.on('error', (err) => logger.debug({ err }, 'expiry queue error'));
  }

  /** Queues the hold's job for the next batch; never throws, never waits. */
  schedule(reservationId: string, reservedUntil: Date): void {
    this.pending.push({ reservationId, reservedUntil });
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** Sends what schedule() collected; resolves once it is in Redis (or given up on). */
  flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return this.flushing;
    this.pending = [];
    const now = Date.now();
    const jobs = batch.map((h) => ({
      name: 'expire',
      data: { reservationId: h.reservationId },
      opts: { ...JOB_OPTIONS, jobId: h.reservationId, delay: Math.max(0, h.reservedUntil.getTime() - now) + FIRE_MARGIN_MS },
    }));
    const sent = within(this.queue.addBulk(jobs), CALL_TIMEOUT_MS).then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn({ err, count: jobs.length }, 'could not schedule expiry jobs; the sweeper will expire the holds');
      },
    );
    this.flushing = Promise.all([this.flushing, sent]).then(() => undefined);
    return this.flushing;
  }

  /** The hold ended another way; the job would find nothing to do, so drop it. */
  async unschedule(reservationId: string): Promise<void> {
    await within(this.queue.remove(reservationId), CALL_TIMEOUT_MS).catch((err: unknown) => {
      this.logger.debug({ err, reservationId }, 'could not remove expiry job');
    });
  }

  /**
   * Runs `expire(reservationId)` for each due job; any number of processes may call it, BullMQ
   * hands each job to one. A throw makes BullMQ retry the job shortly.
   */
  work(expire: (reservationId: string) => Promise<void>, o: { redisUrl: string; concurrency: number }): { close(): Promise<void> } {
    const connection = bullConnection(o.redisUrl);
    const worker = new Worker<ExpiryJobData>(EXPIRY_QUEUE, (job) => expire(job.data.reservationId), {
      connection,
      prefix: this.prefix,
      concurrency: o.concurrency,
    });
    worker.on('failed', (job, err) => {
      this.logger.debug({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'expiry job failed');
    });
    worker.on('error', (err) => this.logger.warn({ err }, 'expiry worker error'));
    return {
      close: async () => {
        await worker.close();
        connection.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await this.flush();
    await this.queue.close();
    this.connection.disconnect();
  }
}
