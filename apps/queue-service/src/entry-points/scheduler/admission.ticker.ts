import type { Logger } from '@concert/service-kit';
import type { Lease } from '../../data-access/lease.repository';
import type { QueueRepository } from '../../data-access/queue.repository';
import type { QueueMetrics } from '../../queue-metrics';

/**
 * Runs the admission tick every `tickMs`, on the one replica holding the Redis lease. The lease
 * only saves work: the per-second budget and maxActive are enforced inside the tick script, so
 * even two replicas ticking at once (a paused leader whose lease lapsed) cannot exceed them.
 */
export function startAdmissionTicker(deps: {
  repo: QueueRepository;
  lease: Lease;
  metrics: QueueMetrics;
  logger: Logger;
  tickMs: number;
}): { stop(): Promise<void> } {
  const { repo, lease, metrics, logger, tickMs } = deps;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function tickAll(): Promise<void> {
    const end = metrics.tickDuration.startTimer();
    const concerts = await repo.liveConcerts();
    await Promise.all(
      concerts.map(async (concertId) => {
        const r = await repo.tick(concertId);
        if (r.admitted) metrics.admitted.inc(r.admitted);
        if (r.evicted) metrics.evicted.inc(r.evicted);
        if (r.expired) metrics.expired.inc(r.expired);
        if (r.released) metrics.released.inc(r.released);
        if (r.waiting === 0 && r.active === 0) await repo.forgetIfEmpty(concertId);
      }),
    );
    end();
  }

  async function once(): Promise<void> {
    try {
      const leader = await lease.holdOrAcquire();
      metrics.tickerLeader.set(leader ? 1 : 0);
      if (leader) await tickAll();
    } catch (err) {
      logger.warn({ err }, 'admission tick failed');
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      const startedAt = Date.now();
      running = once().then(() => schedule(Math.max(0, tickMs - (Date.now() - startedAt))));
    }, delay);
  }
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      // Hand over at once instead of making the next leader wait for the lease to lapse.
      await lease.release().catch((err: unknown) => logger.warn({ err }, 'lease release failed'));
      metrics.tickerLeader.set(0);
    },
  };
}
