import { eq, sql } from 'drizzle-orm';
import type { ReservationStatus } from '@concert/contracts';
import type { Executor, PaymentTx } from './db';
import { payableReservations as r } from './schema';

export interface ReservationFacts {
  reservationId: string;
  userId: string;
  concertId: string;
  seatNumber: number;
  price: string;
  reservedUntil: Date;
}

/**
 * seat-reserved: learn the hold. If an end event got here first, its row stays ended — the
 * update only fills in the details (never the status), so a late seat-reserved cannot
 * resurrect an expired or cancelled hold.
 */
export async function recordSeatReserved(tx: PaymentTx, f: ReservationFacts): Promise<void> {
  await tx
    .insert(r)
    .values({ ...f, status: 'TEMPORARILY_RESERVED' })
    .onConflictDoUpdate({
      target: r.reservationId,
      set: {
        seatNumber: sql`coalesce(${r.seatNumber}, excluded.seat_number)`,
        price: sql`coalesce(${r.price}, excluded.price)`,
        reservedUntil: sql`coalesce(${r.reservedUntil}, excluded.reserved_until)`,
        updatedAt: sql`now()`,
      },
    });
}

export interface EndedFacts {
  reservationId: string;
  userId: string;
  concertId: string;
  seatNumber: number;
  status: Extract<ReservationStatus, 'EXPIRED' | 'CANCELLED'>;
}

/**
 * reservation-expired / -cancelled: end the hold; if seat-reserved has not arrived yet, leave a
 * tombstone (no price, no deadline) that refuses payment. Only a live hold changes: an ended
 * one keeps its first ending.
 */
export async function recordReservationEnded(tx: PaymentTx, f: EndedFacts): Promise<void> {
  await tx
    .insert(r)
    .values(f)
    .onConflictDoUpdate({
      target: r.reservationId,
      set: { status: sql`excluded.status`, updatedAt: sql`now()` },
      setWhere: sql`${r.status} = 'TEMPORARILY_RESERVED'`,
    });
}

/** A reservation fetched from booking-service (seat-reserved still in flight): whatever got here first wins. */
export async function insertFetchedReservation(
  db: Executor,
  f: ReservationFacts & { status: ReservationStatus },
): Promise<void> {
  await db.insert(r).values(f).onConflictDoNothing({ target: r.reservationId });
}

export async function reservationExists(db: Executor, reservationId: string): Promise<boolean> {
  const rows = await db.select({ id: r.reservationId }).from(r).where(eq(r.reservationId, reservationId));
  return rows.length > 0;
}
