import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@concert/db';
import { reservations, seats, type BookingSchema, type ReservationRow } from './schema';

type Conn = Db<BookingSchema> | Tx<BookingSchema>;

/** This user's live hold on this seat, if any: a hold repeated after its answer was lost finds it. */
export async function findActiveHold(
  tx: Tx<BookingSchema>,
  h: { userId: string; concertId: string; seatNumber: number },
): Promise<ReservationRow | undefined> {
  const [row] = await tx
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.userId, h.userId),
        eq(reservations.concertId, h.concertId),
        eq(reservations.seatNumber, h.seatNumber),
        eq(reservations.status, 'TEMPORARILY_RESERVED'),
        gt(reservations.reservedUntil, sql`now()`),
      ),
    )
    .limit(1);
  return row;
}

/**
 * One reservation by id: a fan polling their reservation and payment-service asking whether it is
 * payable read it on every request, so the query is built once per database handle and runs as a
 * named prepared statement (parsed and planned once per connection), not rebuilt per request.
 */
export async function findReservation(db: Db<BookingSchema>, id: string): Promise<ReservationRow | undefined> {
  let query = findById.get(db);
  if (!query) {
    query = prepareFindById(db);
    findById.set(db, query);
  }
  const [row] = await query.execute({ id });
  return row;
}
const findById = new WeakMap<Db<BookingSchema>, ReturnType<typeof prepareFindById>>();
const prepareFindById = (db: Db<BookingSchema>) =>
  db.select().from(reservations).where(eq(reservations.id, sql.placeholder('id'))).limit(1).prepare('booking.find-reservation');

export async function listUserReservations(db: Conn, userId: string): Promise<ReservationRow[]> {
  return db
    .select()
    .from(reservations)
    .where(eq(reservations.userId, userId))
    .orderBy(desc(reservations.reservedAt), desc(reservations.id))
    .limit(500);
}

/**
 * Row lock taken by every transition that ends a hold (confirm, cancel, expire): whichever
 * transaction locks first decides, the other sees the outcome and acts on it.
 */
export async function lockReservation(tx: Tx<BookingSchema>, id: string): Promise<ReservationRow | undefined> {
  const [row] = await tx.select().from(reservations).where(eq(reservations.id, id)).for('update');
  return row;
}

export async function confirmReservation(
  tx: Tx<BookingSchema>,
  id: string,
  paymentId: string,
): Promise<ReservationRow | undefined> {
  const [row] = await tx
    .update(reservations)
    .set({ status: 'CONFIRMED', confirmedAt: sql`now()`, paymentId, updatedAt: sql`now()` })
    .where(and(eq(reservations.id, id), eq(reservations.status, 'TEMPORARILY_RESERVED')))
    .returning();
  return row;
}

export async function cancelReservation(tx: Tx<BookingSchema>, id: string): Promise<ReservationRow | undefined> {
  const [row] = await tx
    .update(reservations)
    .set({ status: 'CANCELLED', endedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(reservations.id, id), eq(reservations.status, 'TEMPORARILY_RESERVED')))
    .returning();
  return row;
}

/** Every reservation of the concert that is not over yet, locked: the concert is being cancelled. */
export async function lockLiveReservationsOfConcert(tx: Tx<BookingSchema>, concertId: string): Promise<ReservationRow[]> {
  return tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.concertId, concertId), inArray(reservations.status, ['TEMPORARILY_RESERVED', 'CONFIRMED'])))
    .for('update');
}

export async function endReservations(tx: Tx<BookingSchema>, ids: string[]): Promise<ReservationRow[]> {
  if (ids.length === 0) return [];
  return tx
    .update(reservations)
    .set({ status: 'CANCELLED', endedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(reservations.id, ids), inArray(reservations.status, ['TEMPORARILY_RESERVED', 'CONFIRMED'])))
    .returning();
}

export interface ExpiredHold {
  id: string;
  userId: string;
  concertId: string;
  seatNumber: number;
  expiredAt: string;
}

/**
 * Expires due holds and frees their seats in one statement. `FOR UPDATE SKIP LOCKED` lets any
 * number of sweepers and expiry jobs run side by side: a row another transaction holds (a
 * payment confirming it, another sweeper) is skipped, and the status re-check inside the UPDATE
 * means a hold that was confirmed or cancelled meanwhile is never expired.
 */
export async function expireDueHolds(
  tx: Tx<BookingSchema>,
  o: { limit: number; reservationId?: string },
): Promise<ExpiredHold[]> {
  const only = o.reservationId ? sql`and r.id = ${o.reservationId}::uuid` : sql``;
  const result = await tx.execute<{
    id: string;
    user_id: string;
    concert_id: string;
    seat_number: number;
    expired_at: string;
  }>(sql`
    with due as (
      select r.id from ${reservations} r
       where r.status = 'TEMPORARILY_RESERVED' and r.reserved_until <= now() ${only}
       order by r.reserved_until
       limit ${o.limit}
       for update skip locked
    ), expired as (
      update ${reservations} r
         set status = 'EXPIRED', ended_at = now(), updated_at = now()
        from due
       where r.id = due.id and r.status = 'TEMPORARILY_RESERVED'
      returning r.id, r.user_id, r.concert_id, r.seat_id, r.seat_number
    ), released as (
      -- Data-modifying CTEs always run to completion, read or not.
      update ${seats} s
         set status = 'AVAILABLE', temp_reserved_by = null, temp_reserved_until = null,
             version = s.version + 1, updated_at = now()
        from expired
       where s.id = expired.seat_id and s.status = 'TEMPORARILY_RESERVED'
      returning s.id
    )
    select e.id, e.user_id, e.concert_id, e.seat_number,
           to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as expired_at
      from expired e`);
  return result.rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    concertId: r.concert_id,
    seatNumber: Number(r.seat_number),
    expiredAt: r.expired_at,
  }));
}
