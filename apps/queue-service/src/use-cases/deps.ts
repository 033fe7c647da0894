import type { Logger } from '@concert/service-kit';
import type { Lease } from '../data-access/lease.repository';
import type { QueueRepository } from '../data-access/queue.repository';
import type { QueueMetrics } from '../queue-metrics';

/** What the use cases need from the outside world; start.ts builds it, tests may too. */
export interface QueueDeps {
  repo: QueueRepository;
  metrics: QueueMetrics;
  logger: Logger;
}

/** The admission ticker's extra: the Redis lease that picks the one replica that ticks. */
export interface TickerDeps extends QueueDeps {
  lease: Lease;
}
