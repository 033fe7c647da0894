import type { BookingConfig } from '../../config';
import type { BookingDeps } from '../../use-cases/deps';
import { expireHoldOnTime } from '../../use-cases/expiry';

/** Runs the per-hold delayed jobs: each one expires its hold on time. */
export function startExpiryWorker(
  d: BookingDeps,
  c: Pick<BookingConfig, 'REDIS_URL' | 'EXPIRY_WORKER_CONCURRENCY'>,
): { close(): Promise<void> } {
  return d.expiry.work((reservationId) => expireHoldOnTime(d, reservationId), {
    redisUrl: c.REDIS_URL,
    concurrency: c.EXPIRY_WORKER_CONCURRENCY,
  });
}
