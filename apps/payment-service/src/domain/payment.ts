import { DomainError, type PaymentStatus, type ReservationStatus } from '@concert/contracts';

export interface PayableView {
  userId: string;
  status: ReservationStatus;
  price: string | null;
  reservedUntil: Date | null;
}

export interface PriorPayment {
  status: Extract<PaymentStatus, 'COMPLETED' | 'REFUNDED'>;
}

/**
 * Whether `userId` may pay this reservation now, and how much. Throws the refusal the API
 * promises. Order matters: a stranger learns nothing (404), a paid hold says so (409) even
 * after its deadline, and an ended or overdue hold is gone (410).
 */
export function decidePayment(
  reservation: PayableView | undefined,
  prior: PriorPayment | undefined,
  userId: string,
  now: Date,
): { amount: string } {
  if (!reservation || reservation.userId !== userId) {
    throw new DomainError('RESERVATION_NOT_FOUND', 'Reservation not found');
  }
  if (prior?.status === 'COMPLETED' || reservation.status === 'CONFIRMED') {
    throw new DomainError('ALREADY_PAID', 'This reservation is already paid');
  }
  if (
    prior?.status === 'REFUNDED' ||
    reservation.status !== 'TEMPORARILY_RESERVED' ||
    !reservation.reservedUntil ||
    reservation.reservedUntil.getTime() <= now.getTime()
  ) {
    throw new DomainError('RESERVATION_EXPIRED', 'The reservation has expired or was cancelled');
  }
  if (!reservation.price) throw new DomainError('RESERVATION_NOT_FOUND', 'Reservation not found');
  return { amount: reservation.price };
}
