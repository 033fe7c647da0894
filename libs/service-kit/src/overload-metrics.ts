import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Shed rate, queue depth, admission limits and time to the deadline, one set per registry. */
export function overloadMetrics(registry: Registry): OverloadMetrics {
  const existing = made.get(registry);
  if (existing) return existing;
  const m = make(registry);
  made.set(registry, m);
  return m;
}

function make(registry: Registry) {
  return {
    shed: new Counter({
      name: 'admission_shed_total',
      help: 'Requests refused by admission control before any work (reason: full = limit and queue taken, deadline = could not start before its deadline)',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    queued: new Gauge({ name: 'admission_queued', help: 'Requests waiting for an admission permit', labelNames: ['kind'], registers: [registry] }),
    limit: new Gauge({ name: 'admission_limit', help: 'Current (adaptive) concurrency limit', labelNames: ['kind'], registers: [registry] }),
    timeToDeadline: new Histogram({
      name: 'request_time_to_deadline_seconds',
      help: 'Time left before the request deadline when the answer was sent (0 = the deadline was missed)',
      labelNames: ['kind'],
      buckets: [0, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13],
      registers: [registry],
    }),
  };
}
export type OverloadMetrics = ReturnType<typeof make>;

const made = new WeakMap<Registry, OverloadMetrics>();
