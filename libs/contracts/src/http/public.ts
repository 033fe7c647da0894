import { z } from 'zod';
import { ConcertStatus, QueueStatus, ReservationStatus, SeatStatus, TransactionType, PaymentStatus } from '../enums';
import { AmountInput, MoneyString } from '../money';

/** Public REST DTOs of API.md. The gateway validates requests and documents responses with these. */
const Iso = z.iso.datetime({ offset: true });
/** Ids are canonical lowercase: an upper-case spelling of the same id must not pass as another key. */
const Uuid = z.uuid().toLowerCase();


// ---- auth & me
export const SignupRequest = z.object({
  email: z.email().max(255).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().regex(/^[0-9+\-() ]{6,20}$/, 'must be a phone number').optional(),
  password: z.string().min(8).max(128),
});
export const LoginRequest = z.object({
  email: z.string().max(255).transform((e) => e.trim().toLowerCase()),
  password: z.string().min(1).max(128),
});
export const User = z.object({ id: Uuid, email: z.string(), name: z.string(), phone: z.string().nullable() });
export const SignupResponse = z.object({ user: User });
export const LoginResponse = z.object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() });
export const BalanceResponse = z.object({ balance: MoneyString });
export const ChargeRequest = z.object({ amount: AmountInput });
export const ChargeResponse = z.object({ balance: MoneyString, transactionId: z.string() });
export const BalanceTransaction = z.object({
  id: z.string(),
  type: TransactionType,
  amount: MoneyString,
  previousBalance: MoneyString,
  newBalance: MoneyString,
  relatedId: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: Iso,
});
export const TransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(64).optional(),
});
export const TransactionsResponse = z.object({ items: z.array(BalanceTransaction), nextCursor: z.string().nullable() });

// ---- concerts
const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const TimeOnly = z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/, 'must be HH:MM:SS');
export const Concert = z.object({
  id: Uuid,
  title: z.string(),
  artist: z.string(),
  venue: z.string(),
  concertDate: DateOnly,
  concertTime: TimeOnly,
  totalSeats: z.number().int(),
  price: MoneyString,
  bookingStartTime: Iso,
  bookingEndTime: Iso,
  status: ConcertStatus,
  availableSeats: z.number().int(),
});
export const ConcertList = z.object({ items: z.array(Concert) });
export const ConcertListQuery = z.object({ status: ConcertStatus.optional() });
export const Seat = z.object({ seatNumber: z.number().int(), status: SeatStatus });
export const SeatMap = z.object({ concertId: Uuid, seats: z.array(Seat) });

export const CreateConcertRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    artist: z.string().trim().min(1).max(100),
    venue: z.string().trim().min(1).max(200),
    concertDate: DateOnly,
    concertTime: TimeOnly,
    totalSeats: z.number().int().min(1).max(10_000),
    // Free seats are not sold: a payment of 0.00 has nothing to debit (README "Security").
    price: AmountInput.refine((p) => p !== '0.00', 'must be greater than 0'),
    bookingStartTime: Iso,
    bookingEndTime: Iso,
  })
  .refine((c) => Date.parse(c.bookingStartTime) < Date.parse(c.bookingEndTime), {
    path: ['bookingEndTime'],
    message: 'must be after bookingStartTime',
  });
export const UpdateConcertRequest = z.object({ status: ConcertStatus });

// ---- queue
export const QueuePolicy = z.object({
  admitPerSecond: z.number().int().min(1).max(10_000),
  maxActive: z.number().int().min(1).max(100_000),
  activeTtlSeconds: z.number().int().min(10).max(86_400),
});
export const QueueTokenResponse = z.object({
  queueToken: z.string(),
  concertId: Uuid,
  status: QueueStatus,
  position: z.number().int(),
  estimatedWaitSeconds: z.number().int(),
  activeUntil: Iso.nullable(),
});
export const QueueStatusResponse = QueueTokenResponse.omit({ queueToken: true });
export const QueueStats = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  admittedTotal: z.number().int(),
  admitPerSecond: z.number().int(),
  maxActive: z.number().int(),
  activeTtlSeconds: z.number().int().optional(),
});

// ---- reservations & payments
export const CreateReservationRequest = z.object({
  concertId: Uuid,
  seatNumber: z.number().int().min(1).max(100_000),
});
export const Reservation = z.object({
  id: Uuid,
  concertId: Uuid,
  seatNumber: z.number().int(),
  status: ReservationStatus,
  price: MoneyString,
  reservedAt: Iso,
  reservedUntil: Iso,
  confirmedAt: Iso.nullable(),
});
export const ReservationList = z.object({ items: z.array(Reservation) });
export const CreatePaymentRequest = z.object({ reservationId: Uuid });
export const Payment = z.object({
  id: Uuid,
  reservationId: Uuid,
  amount: MoneyString,
  status: PaymentStatus,
  previousBalance: MoneyString,
  remainingBalance: MoneyString,
  paidAt: Iso.nullable(),
});

/** `Idempotency-Key` header (API.md): 1–64 chars of [A-Za-z0-9_-]. */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 chars of [A-Za-z0-9_-]');
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const QUEUE_TOKEN_HEADER = 'x-queue-token';

export type Concert = z.infer<typeof Concert>;
export type Seat = z.infer<typeof Seat>;
export type Reservation = z.infer<typeof Reservation>;
export type Payment = z.infer<typeof Payment>;
export type User = z.infer<typeof User>;
export type BalanceTransaction = z.infer<typeof BalanceTransaction>;
export type QueuePolicy = z.infer<typeof QueuePolicy>;
export type QueueStats = z.infer<typeof QueueStats>;
export type QueueStatusResponse = z.infer<typeof QueueStatusResponse>;
export type CreateConcertRequest = z.infer<typeof CreateConcertRequest>;
