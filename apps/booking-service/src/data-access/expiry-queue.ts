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

/**
 * One delayed job per hold, with the reservation id as job id, so scheduling twice is a no-op.
 * Losing a job is harmless: the sweeper expires any hold past its deadline.
 */
export class ExpiryQueue {
  readonly queue: Queue<ExpiryJobData>;
  private readonly connection: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.connection = bullConnection(redisUrl);
    this.queue = new Queue<ExpiryJobData>(EXPIRY_QUEUE, { connection: this.connection, prefix });
    this.queue.on('error', (err) => logger.debug({ err }, 'expiry queue error'));
  }

  async schedule(reservationId: string, reservedUntil: Date): Promise<void> {
    try {
      await within(
        this.queue.add(
          'expire',
          { reservationId },
          {
            jobId: reservationId,
            delay: Math.max(0, reservedUntil.getTime() - Date.now()) + FIRE_MARGIN_MS,
            attempts: 5,
            backoff: { type: 'exponential', delay: 200 },
            removeOnComplete: true,
            removeOnFail: { count: 1000 },
          },
        ),
        CALL_TIMEOUT_MS,
      );
    } catch (err) {
      this.logger.warn({ err, reservationId }, 'could not schedule expiry job; the sweeper will expire the hold');
    }
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
    await this.queue.close();
    this.connection.disconnect();
  }
}
