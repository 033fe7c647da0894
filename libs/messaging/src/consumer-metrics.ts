import { Counter, Gauge, type Registry } from 'prom-client';

/** running: in the group and flowing; retrying: a handler has been failing (outage or bug);
 *  disconnected: out of the group (broker down, rebalance, starting); failed: gave up, the
 *  process should be restarted; stopped: shutting down. */
export const CONSUMER_STATES = ['running', 'retrying', 'disconnected', 'failed', 'stopped'] as const;
export type ConsumerState = (typeof CONSUMER_STATES)[number];

const subscribers = new WeakMap<Registry, Map<string, () => ConsumerState>>();

/**
 * consumer_state{group,state} is 1 for the state the group's subscriber is in and 0 for the
 * others (read at scrape time); consumer_handler_failures_total counts failed handler attempts.
 */
export function consumerMetrics(registry: Registry, group: string, state: () => ConsumerState) {
  let groups = subscribers.get(registry);
  if (!groups) subscribers.set(registry, (groups = new Map()));
  groups.set(group, state);
  const states = groups;
  if (!registry.getSingleMetric('consumer_state')) {
    new Gauge({
      name: 'consumer_state',
      help: 'Kafka consumer state by group (1 = current state)',
      labelNames: ['group', 'state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [g, current] of states) {
          const now = current();
          for (const s of CONSUMER_STATES) this.set({ group: g, state: s }, s === now ? 1 : 0);
        }
      },
    });
  }
  const failures =
    (registry.getSingleMetric('consumer_handler_failures_total') as Counter<'group' | 'topic'> | undefined) ??
    new Counter({
      name: 'consumer_handler_failures_total',
      help: 'Failed handler attempts (each is retried in place)',
      labelNames: ['group', 'topic'],
      registers: [registry],
    });
  return { failures };
}
