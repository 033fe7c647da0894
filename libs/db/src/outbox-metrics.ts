import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export interface OutboxMetrics {
  published: Counter<'schema'>;
  failed: Counter<'schema'>;
  dead: Counter<'schema'>;
  pending: Gauge<'schema'>;
  deadRows: Gauge<'schema'>;
  oldestAgeSeconds: Gauge<'schema'>;
}

/** Several relays (one per schema, or tests) may share a registry: reuse what is registered. */
export function outboxMetrics(registry: Registry = defaultRegistry): OutboxMetrics {
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter<'schema'> | undefined) ??
    new Counter({ name, help, labelNames: ['schema'], registers: [registry] });
  const gauge = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Gauge<'schema'> | undefined) ??
    new Gauge({ name, help, labelNames: ['schema'], registers: [registry] });
  return {
    published: counter('outbox_published_total', 'Outbox events published to the broker'),
    failed: counter('outbox_publish_failed_total', 'Outbox publish attempts that failed'),
    dead: counter('outbox_dead_total', 'Outbox events marked DEAD (refused by the broker, max attempts used)'),
    pending: gauge('outbox_pending', 'Outbox events waiting to be published'),
    deadRows: gauge('outbox_dead_rows', 'Outbox rows in DEAD now: each needs an operator (fix, then re-drive)'),
    oldestAgeSeconds: gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest pending outbox event'),
  };
}
