import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '@concert/service-kit';
import type { QueueRepository } from './data-access/queue.repository';

/** Business metrics. Gauges are read from Redis at scrape time, so every replica reports the truth. */
export function createQueueMetrics(metrics: Metrics, repo: QueueRepository) {
  const registers = [metrics.registry];
  const counter = (name: string, help: string) => new Counter({ name, help, registers });
  // Both gauges read one snapshot per scrape; the registry collects metrics concurrently.
  let snapshot: { at: number; counts: ReturnType<QueueRepository['counts']> } | undefined;
  const counts = () => {
    if (!snapshot || Date.now() - snapshot.at > 250) snapshot = { at: Date.now(), counts: repo.counts() };
    return snapshot.counts;
  };
  const perConcert = (name: string, help: string, pick: (c: { waiting: number; active: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['concert'],
      registers,
      async collect() {
        const all = await counts();
        this.reset();
        for (const c of all) this.set({ concert: c.concertId }, pick(c));
      },
    });
  perConcert('queue_waiting', 'Fans waiting, per concert', (c) => c.waiting);
  perConcert('queue_active', 'Admitted fans holding an active slot, per concert', (c) => c.active);
  return {
    admitted: counter('queue_admitted_total', 'Fans admitted (by a tick or at once on arrival)'),
    evicted: counter('queue_evicted_total', 'Waiting fans evicted for not polling'),
    expired: counter('queue_expired_total', 'Active slots that ran out their TTL'),
    released: counter('queue_released_total', 'Active slots given back because their fan went quiet'),
    completed: counter('queue_completed_total', 'Active slots ended by a completed payment or an explicit complete'),
    tickDuration: new Histogram({
      name: 'queue_tick_duration_seconds',
      help: 'Duration of one admission tick over all live concerts',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    tickerLeader: new Gauge({ name: 'queue_ticker_leader', help: '1 while this replica holds the ticker lease', registers }),
  };
}
export type QueueMetrics = ReturnType<typeof createQueueMetrics>;
