import { bookingClosedReason, DomainError, type BookingWindow, type ConcertStatus } from '@concert/contracts';

/** A concert as a hold sees it: its booking window (the shared rule in contracts) and its seats. */
export interface HoldableConcert extends BookingWindow {
  totalSeats: number;
}

export type HoldRefusal = 'CONCERT_NOT_FOUND' | 'SEAT_NOT_FOUND' | 'BOOKING_NOT_OPEN' | 'HOLD_LIMIT_REACHED' | 'SEAT_UNAVAILABLE';

/**
 * A hold the rules refuse, with the API's code and a detail naming the seat. It carries no stack
 * trace: a refusal is an answer (most of a sale's answers), not a fault, its stack is never
 * read, and capturing one costs more than the rest of the refusal's own code.
 */
export class HoldRefused extends DomainError {
  declare readonly code: HoldRefusal;

  constructor(code: HoldRefusal, req: { concertId: string; seatNumber: number }, detail = defaultDetail(code, req)) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(code, detail);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

function defaultDetail(code: HoldRefusal, req: { concertId: string; seatNumber: number }): string {
  if (code === 'SEAT_NOT_FOUND') return `concert ${req.concertId} has no seat ${req.seatNumber}`;
  if (code === 'BOOKING_NOT_OPEN') return `booking for concert ${req.concertId} is not open`;
  if (code === 'SEAT_UNAVAILABLE') return `seat ${req.seatNumber} is not available`;
  if (code === 'HOLD_LIMIT_REACHED') return 'too many seats held at once';
  return `concert ${req.concertId} not found`;
}

/** The checks a hold request passes before any lock or row is touched; null = go ahead. */
export function holdRejection(c: HoldableConcert | undefined, seatNumber: number, now: Date): HoldRefusal | null {
  if (!c) return 'CONCERT_NOT_FOUND';
  // Seats are numbered 1..totalSeats at creation, so the number alone tells whether it exists.
  if (!Number.isInteger(seatNumber) || seatNumber < 1 || seatNumber > c.totalSeats) return 'SEAT_NOT_FOUND';
  if (bookingClosedReason(c, now)) return 'BOOKING_NOT_OPEN';
  return null;
}

/** holdRejection as a guard: throws HoldRefused, or narrows the concert to one that exists. */
export function assertHoldable<C extends HoldableConcert>(
  c: C | undefined,
  req: { concertId: string; seatNumber: number },
  now: Date,
): asserts c is C {
  const why = holdRejection(c, req.seatNumber, now);
  if (why) throw new HoldRefused(why, req);
}

/** A cancelled concert stays cancelled; every other move is an operator's call. */
export function canChangeStatus(from: ConcertStatus, to: ConcertStatus): boolean {
  return from === to || from !== 'CANCELLED';
}

/** numeric(10,2) holds at most 99,999,999.99. */
export const MAX_TICKET_PRICE_CENTS = 9_999_999_999n;
