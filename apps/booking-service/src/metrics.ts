import type { Metrics } from '@concert/service-kit';

/** Business metrics next to the HTTP timings and the outbox relay's gauges in the same registry. */
export function bookingMetrics(m: Metrics) {
  return {
    holds: m.counter('holds_total', 'Seat hold attempts by result', ['result']),
    expiries: m.counter('expiries_total', 'Holds expired, by the delayed job or the sweeper', ['source']),
    confirmations: m.counter('confirmations_total', 'Reservations confirmed by a completed payment'),
    cancellations: m.counter('cancellations_total', 'Holds cancelled by their owner'),
    deadLettered: m.counter('dead_lettered_total', 'Poison messages parked on a dead-letter topic, by source topic', ['topic']),
    refundRequests: m.counter('refund_requests_total', 'Refunds requested for payments of ended holds', ['reason']),
    cacheLookups: m.counter('cache_lookups_total', 'Cache lookups by cache and result', ['cache', 'result']),
  };
}
export type BookingMetrics = ReturnType<typeof bookingMetrics>;
