import { and, asc, eq, gt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@concert/db';
import { concerts, seats, type BookingSchema } from './schema';

type Conn = Db<BookingSchema> | Tx<BookingSchema>;

export async function seatMap(db: Conn, concertId: string) {
  return db
    .select({ seatNumber: seats.seatNumber, status: seats.status })
    .from(seats)
    .where(eq(seats.concertId, concertId))
    .orderBy(asc(seats.seatNumber));
}

/**
 * contracts' bookingClosedReason in SQL, at the instant `at`: BOOKING_OPEN and start <= at < end.
 * A test evaluates it at the boundary instants against the TS rule.
 */
export const bookingOpenAt = (at: SQL) =>
  and(eq(concerts.status, 'BOOKING_OPEN'), lte(concerts.bookingStartTime, at), gt(concerts.bookingEndTime, at));

/** Who holds the seat now (null when nobody may hold it again: sold, or not held), for the taken mark. */
export async function seatHolder(tx: Tx<BookingSchema>, concertId: string, seatNumber: number): Promise<string | null> {
  const [row] = await tx
    .select({ holder: seats.tempReservedBy })
    .from(seats)
    .where(and(eq(seats.concertId, concertId), eq(seats.seatNumber, seatNumber)));
  return row?.holder ?? null;
}

/** Back to AVAILABLE, only if it is still held (never un-sells a RESERVED seat). */
export async function releaseSeat(tx: Tx<BookingSchema>, seatId: string): Promise<void> {
  await tx
    .update(seats)
    .set({
      status: 'AVAILABLE',
      tempReservedBy: null,
      tempReservedUntil: null,
      version: sql`${seats.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(seats.id, seatId), eq(seats.status, 'TEMPORARILY_RESERVED')));
}

/** A cancelled concert holds nothing: every seat goes back, so seat and reservation agree. */
export async function releaseAllSeats(tx: Tx<BookingSchema>, concertId: string): Promise<void> {
  await tx
    .update(seats)
    .set({ status: 'AVAILABLE', tempReservedBy: null, tempReservedUntil: null, version: sql`${seats.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(seats.concertId, concertId), ne(seats.status, 'AVAILABLE')));
}

export async function markSeatReserved(tx: Tx<BookingSchema>, seatId: string): Promise<void> {
  await tx
    .update(seats)
    .set({
      status: 'RESERVED',
      tempReservedBy: null,
      tempReservedUntil: null,
      version: sql`${seats.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(eq(seats.id, seatId));
}
