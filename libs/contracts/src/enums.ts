import { z } from 'zod';

/**
 * Every status and kind the services share, declared once: the wire schemas, the Postgres enums
 * (drizzle reads the tuples) and the domain types all come from here.
 */
export const CONCERT_STATUSES = ['SCHEDULED', 'BOOKING_OPEN', 'BOOKING_CLOSED', 'CANCELLED'] as const;
export const SEAT_STATUSES = ['AVAILABLE', 'TEMPORARILY_RESERVED', 'RESERVED'] as const;
export const RESERVATION_STATUSES = ['TEMPORARILY_RESERVED', 'CONFIRMED', 'CANCELLED', 'EXPIRED'] as const;
export const PAYMENT_STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUNDED'] as const;
export const QUEUE_STATUSES = ['WAITING', 'ACTIVE', 'EXPIRED'] as const;
export const TRANSACTION_TYPES = ['CHARGE', 'PAYMENT', 'REFUND'] as const;
export const USER_ROLES = ['user', 'admin'] as const;
export const REFUND_REASONS = ['RESERVATION_EXPIRED', 'RESERVATION_CANCELLED', 'RESERVATION_NOT_FOUND'] as const;

export const ConcertStatus = z.enum(CONCERT_STATUSES);
export const SeatStatus = z.enum(SEAT_STATUSES);
export const ReservationStatus = z.enum(RESERVATION_STATUSES);
export const PaymentStatus = z.enum(PAYMENT_STATUSES);
export const QueueStatus = z.enum(QUEUE_STATUSES);
export const TransactionType = z.enum(TRANSACTION_TYPES);
export const UserRole = z.enum(USER_ROLES);
export const RefundReason = z.enum(REFUND_REASONS);

export type ConcertStatus = z.infer<typeof ConcertStatus>;
export type SeatStatus = z.infer<typeof SeatStatus>;
export type ReservationStatus = z.infer<typeof ReservationStatus>;
export type PaymentStatus = z.infer<typeof PaymentStatus>;
export type QueueStatus = z.infer<typeof QueueStatus>;
export type TransactionType = z.infer<typeof TransactionType>;
export type UserRole = z.infer<typeof UserRole>;
export type RefundReason = z.infer<typeof RefundReason>;
