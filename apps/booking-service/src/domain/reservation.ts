import type { RefundReason, ReservationStatus } from '@concert/contracts';

export interface ReservationState {
  status: ReservationStatus;
  reservedUntil: Date;
  userId: string;
  paymentId: string | null;
}

/** At most `max` live holds per user and concert; `active` counts the user's current holds. */
export function canHoldMore(active: number, max: number): boolean {
  return active < max;
}

/** The owner may give up a hold; a confirmed, expired or cancelled one is final. */
export function isCancellable(r: Pick<ReservationState, 'status'>): boolean {
  return r.status === 'TEMPORARILY_RESERVED';
}

/**
 * What cancelling the concert does to one of its reservations: a live hold is cancelled; a paid
 * seat is cancelled AND its money goes back (the fan bought a concert that will not happen);
 * expired and cancelled ones are already over.
 */
export function onConcertCancelled(r: Pick<ReservationState, 'status' | 'paymentId'>): 'cancel' | 'cancel-and-refund' | 'none' {
  if (r.status === 'TEMPORARILY_RESERVED') return 'cancel';
  if (r.status === 'CONFIRMED') return r.paymentId ? 'cancel-and-refund' : 'cancel';
  return 'none';
}

export type PaymentOutcome =
  | { kind: 'confirm' }
  | { kind: 'already-confirmed' }
  | { kind: 'refund'; reason: RefundReason };

/**
 * What a completed payment does to the reservation it paid for.
 *
 * The deadline is not re-checked here on purpose: payment-service checked it when it took the
 * money, and the expiry is itself a transition on the same locked row. Whichever of the two
 * commits first wins; a payment that finds the hold still live confirms it, one that finds it
 * ended asks for its money back.
 */
export function paymentOutcome(
  r: ReservationState | undefined,
  payment: { paymentId: string; userId: string },
): PaymentOutcome {
  if (!r || r.userId !== payment.userId) return { kind: 'refund', reason: 'RESERVATION_NOT_FOUND' };
  switch (r.status) {
    case 'TEMPORARILY_RESERVED':
      return { kind: 'confirm' };
    case 'CONFIRMED':
      // The same payment again changes nothing. A second payment for a sold seat cannot happen
      // (payment-service allows one per reservation), but if it did it must not keep the money.
      return r.paymentId === payment.paymentId
        ? { kind: 'already-confirmed' }
        : { kind: 'refund', reason: 'RESERVATION_NOT_FOUND' };
    case 'EXPIRED':
      return { kind: 'refund', reason: 'RESERVATION_EXPIRED' };
    case 'CANCELLED':
      return { kind: 'refund', reason: 'RESERVATION_CANCELLED' };
  }
}
