import type { QueueStatusResponse } from '@concert/contracts';

// The public API's shapes (API.md), imported as types only: the bundle ships none of the
// contracts' runtime (zod), and a contract change that breaks the app fails its typecheck.
export type {
  BalanceTransaction,
  Concert,
  CreateConcertRequest,
  Payment,
  QueuePolicy,
  QueueStats,
  QueueStatusResponse,
  Reservation,
  Seat,
} from '@concert/contracts';

/** The queue's answer to a fan joining it: their status, with the pass they present from now on. */
export type QueueTokenResponse = QueueStatusResponse & { queueToken: string };
