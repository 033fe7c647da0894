import type { Redis } from 'ioredis';
import type { Db } from '@concert/db';
import type { Logger } from '@concert/service-kit';
import type { BookingConfig } from '../config';
import type { ReadThroughCache } from '../data-access/cache';
import type { ConcertSnapshots } from '../data-access/concert-snapshots';
import type { ExpiryQueue } from '../data-access/expiry-queue';
import type { BookingSchema } from '../data-access/schema';
import type { BookingMetrics } from '../metrics';
import type { EventWriter } from './events';

/** What the use cases need from the outside world; start.ts builds it, tests may too. */
export interface BookingDeps {
  db: Db<BookingSchema>;
  redis: Redis;
  cache: ReadThroughCache;
  concerts: ConcertSnapshots;
  expiry: ExpiryQueue;
  events: EventWriter;
  metrics: BookingMetrics;
  logger: Logger;
  config: Pick<
    BookingConfig,
    | 'RESERVATION_HOLD_SECONDS'
    | 'MAX_HOLDS_PER_USER'
    | 'SEAT_LOCK_TTL_MS'
    | 'CONCERTS_CACHE_TTL_SECONDS'
    | 'SEATS_CACHE_TTL_SECONDS'
  >;
}
