import { z } from 'zod';
import { AmountInput } from '../money';
import { QueueStatus, ReservationStatus, UserRole } from '../enums';
import { SignupRequest, User } from './public';

/**
 * Internal HTTP API between the gateway and the services. Every internal route lives under
 * `/internal` and requires the `x-internal-token` header: a short-lived service token naming its
 * caller (service-kit internal-auth.ts); each route accepts only the callers that need it.
 * Errors are problem+json with the public error codes, so the gateway can pass them through.
 *
 * booking-service
 *   GET    /internal/concerts?status=                      -> ConcertList
 *   GET    /internal/concerts/:concertId                   -> Concert
 *   GET    /internal/concerts/:concertId/seats             -> SeatMap
 *   POST   /internal/concerts              CreateConcertRequest -> 201 Concert
 *   PATCH  /internal/concerts/:concertId   UpdateConcertRequest -> Concert
 *   POST   /internal/reservations          InternalCreateReservation -> 201 Reservation
 *   GET    /internal/reservations/:id?userId=              -> Reservation (404 for another user's)
 *   GET    /internal/reservations/:id/payable              -> PayableReservation (for payment-service)
 *   DELETE /internal/reservations/:id?userId=              -> Reservation (CANCELLED)
 *   GET    /internal/users/:userId/reservations            -> ReservationList
 *
 * payment-service
 *   POST   /internal/users                 InternalCreateUser -> 201 {user}
 *   POST   /internal/users/verify          LoginRequest       -> {user: InternalUser} | 401 INVALID_CREDENTIALS
 *   GET    /internal/users/:userId                            -> InternalUser
 *   GET    /internal/users/:userId/balance                    -> BalanceResponse
 *   POST   /internal/users/:userId/balance/charge  ChargeRequest + Idempotency-Key -> ChargeResponse
 *   GET    /internal/users/:userId/balance/transactions?limit&cursor -> TransactionsResponse
 *   POST   /internal/payments              InternalCreatePayment + Idempotency-Key -> 201 Payment
 *   GET    /internal/payments/:id?userId=                     -> Payment
 *
 * queue-service
 *   POST   /internal/queues/:concertId/entries   {userId}      -> QueueEntry (+ created flag)
 *   GET    /internal/queues/:concertId/entries/:userId         -> QueueEntry (a poll: refreshes liveness)
 *   DELETE /internal/queues/:concertId/entries/:userId         -> 204
 *   POST   /internal/queues/:concertId/entries/:userId/complete -> 204 (ends an active slot, idempotent)
 *   PUT    /internal/queues/:concertId/policy    QueuePolicy   -> QueueStats
 *   GET    /internal/queues/:concertId/stats                   -> QueueStats
 */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
export const REQUEST_ID_HEADER = 'x-request-id';

export const InternalUser = User.extend({ role: UserRole });
/** No role: an HTTP field never makes an admin (config or the CLI do). */
export const InternalCreateUser = SignupRequest;
export const InternalCreateReservation = z.object({
  userId: z.uuid(),
  concertId: z.uuid(),
  seatNumber: z.number().int().min(1),
  /**
   * The fan's earlier request for this seat ended without an answer (the gateway gave up
   * waiting): if it did commit, answer that hold again (201) instead of SEAT_UNAVAILABLE.
   */
  inDoubt: z.boolean().optional(),
});
export const InternalCreatePayment = z.object({ userId: z.uuid(), reservationId: z.uuid() });
export const InternalCharge = z.object({ amount: AmountInput });
export const UserIdQuery = z.object({ userId: z.uuid() });

/** What payment-service needs to take a payment when `seat-reserved` has not arrived yet. */
export const PayableReservation = z.object({
  reservationId: z.uuid(),
  concertId: z.uuid(),
  userId: z.uuid(),
  seatNumber: z.number().int(),
  price: z.string(),
  status: ReservationStatus,
  reservedUntil: z.iso.datetime({ offset: true }),
});

export const QueueEnqueueRequest = z.object({ userId: z.uuid() });
export const QueueEntry = z.object({
  concertId: z.uuid(),
  userId: z.uuid(),
  status: QueueStatus,
  position: z.number().int(),
  estimatedWaitSeconds: z.number().int(),
  activeUntil: z.iso.datetime({ offset: true }).nullable(),
  created: z.boolean().optional(),
});

export type InternalUser = z.infer<typeof InternalUser>;
export type PayableReservation = z.infer<typeof PayableReservation>;
export type QueueEntry = z.infer<typeof QueueEntry>;
