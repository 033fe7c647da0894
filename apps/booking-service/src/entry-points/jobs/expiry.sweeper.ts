import type { BookingDeps } from '../../use-cases/deps';
import { expireHolds } from '../../use-cases/expiry';

const BATCH = 200;

/**
 * The safety net behind the delayed jobs (a lost job, Redis down, a crash between commit and
 * scheduling): every interval, expire whatever is past its deadline. SKIP LOCKED in the query
 * makes it safe to run in every replica at once.
 */
export function startExpirySweeper(d: BookingDeps, intervalMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      let n: number;
      do {
        n = (await expireHolds(d, { source: 'sweeper', limit: BATCH })).length;
      } while (n === BATCH && !stopped);
    } catch (err) {
      d.logger.warn({ err }, 'expiry sweep failed');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
