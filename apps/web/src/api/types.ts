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

export interface QueueTokenResponse {
  queueToken: string;
  concertId: string;
  status: 'WAITING' | 'ACTIVE' | 'EXPIRED';
  position: number;
  estimatedWaitSeconds: number;
  activeUntil: string | null;
}
