import type { Redis } from 'ioredis';
import type { InternalClient, Logger } from '@concert/service-kit';
import type { PaymentConfig } from '../config';
import type { BalanceCache } from '../data-access/balance.cache';
import type { PaymentDb } from '../data-access/db';
import type { PaymentMetrics } from '../metrics';

/** Everything a use case may touch; built once in start.ts. */
export interface PaymentDeps {
  config: PaymentConfig;
  db: PaymentDb;
  redis: Redis;
  cache: BalanceCache;
  booking: InternalClient;
  logger: Logger;
  metrics: PaymentMetrics;
}
