import { Worker } from 'bullmq';
import type { BookingConfig } from '../../config';
import { bullConnection, EXPIRY_QUEUE, type ExpiryJobData } from '../../data-access/expiry-queue';
import { findReservation } from '../../data-access/reservations.repository';
import type { BookingDeps } from '../../use-cases/deps';
import { expireHolds } from '../../use-cases/expiry';

/** Runs the per-hold delayed jobs. Any number of processes may run it; BullMQ hands each job to one. */
export function startExpiryWorker(
  d: BookingDeps,
  c: Pick<BookingConfig, 'REDIS_URL' | 'BULLMQ_PREFIX' | 'EXPIRY_WORKER_CONCURRENCY'>,
): { close(): Promise<void> } {
  const connection = bullConnection(c.REDIS_URL);
  const worker = new Worker<ExpiryJobData>(
    EXPIRY_QUEUE,
    async (job) => {
      const { reservationId } = job.data;
      const expired = await expireHolds(d, { source: 'job', reservationId });
      if (expired.length > 0) return;
      // Nothing expired: fine if the hold ended another way. If it is still live, its row was
      // locked by a payment being applied, or the clock has not quite reached the deadline:
      // fail so BullMQ retries shortly (the sweeper would get it anyway).
      const r = await findReservation(d.db, reservationId);
      if (r?.status === 'TEMPORARILY_RESERVED') throw new Error(`hold ${reservationId} not expirable yet`);
    },
    { connection, prefix: c.BULLMQ_PREFIX, concurrency: c.EXPIRY_WORKER_CONCURRENCY },
  );
  worker.on('failed', (job, err) => {
    d.logger.debug({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'expiry job failed');
  });
  worker.on('error', (err) => d.logger.warn({ err }, 'expiry worker error'));
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
