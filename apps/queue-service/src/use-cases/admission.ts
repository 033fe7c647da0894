import type { TickerDeps } from './deps';

/**
 * One admission round: on the replica holding the lease, every live concert's tick script
 * admits, evicts and expires; an emptied queue is forgotten. The lease only saves work: the
 * per-second budget and maxActive are enforced inside the tick script, so even two replicas
 * ticking at once (a paused leader whose lease lapsed) cannot exceed them.
 */
export async function admissionRound(d: TickerDeps): Promise<void> {
  const leader = await d.lease.holdOrAcquire();
  d.metrics.tickerLeader.set(leader ? 1 : 0);
  if (!leader) return;
  const end = d.metrics.tickDuration.startTimer();
  const concerts = await d.repo.liveConcerts();
  await Promise.all(
    concerts.map(async (concertId) => {
      const r = await d.repo.tick(concertId);
      if (r.admitted) d.metrics.admitted.inc(r.admitted);
      if (r.evicted) d.metrics.evicted.inc(r.evicted);
      if (r.expired) d.metrics.expired.inc(r.expired);
      if (r.released) d.metrics.released.inc(r.released);
      if (r.waiting === 0 && r.active === 0) await d.repo.forgetIfEmpty(concertId);
    }),
  );
  end();
}

/** Hands the lease over at once instead of making the next leader wait for it to lapse. */
export async function stepDownAsTicker(d: TickerDeps): Promise<void> {
  await d.lease.release().catch((err: unknown) => d.logger.warn({ err }, 'lease release failed'));
  d.metrics.tickerLeader.set(0);
}
