import { Gauge } from 'prom-client';
import { createMetrics } from '@concert/service-kit';

export type PaymentResult =
  | 'completed'
  | 'replayed'
  | 'insufficient_balance'
  | 'expired'
  | 'already_paid'
  | 'not_found'
  | 'rejected'
  | 'error';

/** Business metrics next to the HTTP timings every service has. */
export function createPaymentMetrics() {
  const base = createMetrics('payment-service');
  const outboxLag = { pending: 0, oldestAgeSeconds: 0 };
  const lagReader: { read?: () => Promise<{ pending: number; oldestAgeMs: number }> } = {};
  const refreshLag = async () => {
    if (!lagReader.read) return;
    const lag = await lagReader.read().catch(() => undefined);
    if (lag) Object.assign(outboxLag, { pending: lag.pending, oldestAgeSeconds: lag.oldestAgeMs / 1000 });
  };
  return {
    ...base,
    charges: base.counter('charges_total', 'Balance charges applied (replays not counted)'),
    payments: base.counter('payments_total', 'Payment attempts by result', ['result']),
    refunds: base.counter('refunds_total', 'Payments refunded'),
    deadLettered: base.counter('dead_lettered_total', 'Poison messages parked on a dead-letter topic, by source topic', ['topic']),
    outboxLagSeconds: new Gauge({
      name: 'payment_outbox_lag_seconds',
      help: 'Age of the oldest unpublished outbox event (read from the database at scrape time)',
      registers: [base.registry],
      async collect() {
        await refreshLag();
        this.set(outboxLag.oldestAgeSeconds);
      },
    }),
    outboxPending: new Gauge({
      name: 'payment_outbox_pending_events',
      help: 'Outbox events not yet published',
      registers: [base.registry],
      collect() {
        this.set(outboxLag.pending);
      },
    }),
    /** The relay is wired after the metrics exist; its lag() feeds the gauges at scrape time. */
    readOutboxLagWith(read: () => Promise<{ pending: number; oldestAgeMs: number }>) {
      lagReader.read = read;
    },
  };
}
export type PaymentMetrics = ReturnType<typeof createPaymentMetrics>;
