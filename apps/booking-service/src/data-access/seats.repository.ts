import { and, asc, eq, getTableColumns, gt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@concert/db';
import { concerts, reservations, seats, type BookingSchema, type ReservationRow } from './schema';

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

/** Each column of a reservation row with its decoder, for rows read by raw SQL. */
const RESERVATION_COLUMNS = Object.entries(getTableColumns(reservations));

function reservationFromRaw(raw: Record<string, unknown>): ReservationRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of RESERVATION_COLUMNS) {
    const v = raw[column.name];
    row[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return row as ReservationRow;
}

/**
 * The guarantee behind a hold, in one statement (one round trip): the user's live holds are
 * counted; only if they are below `maxHolds` is the seat taken, and only a seat that is AVAILABLE
 * right now, of a concert open for booking right now; the reservation is written for the seat
 * taken. Concurrent holders queue on the seat's row lock and all but the first find it taken
 * (no hold returned). The concert row is key-share locked until commit, so a concurrent
 * cancellation either waits for this hold (and then ends it) or is seen by it. The count sees
 * the user's holds committed before this statement: run it after lockUserHolds, in its own
 * statement, so a hold of the same fan committing meanwhile is counted.
 *
 * The hold's clock is the database's: reserved_at = now(), reserved_until = now() + hold.
 */
export async function takeSeat(
  tx: Tx<BookingSchema>,
  o: { concertId: string; seatNumber: number; userId: string; holdSeconds: number; price: string; maxHolds: number },
): Promise<{ liveHolds: number; hold?: ReservationRow }> {
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    with live as (
      select count(*)::int as n from ${reservations}
       where user_id = ${o.userId}::uuid and concert_id = ${o.concertId}::uuid
         and status = 'TEMPORARILY_RESERVED' and reserved_until > now()
    ), taken as (
      update ${seats}
         set status = 'TEMPORARILY_RESERVED', temp_reserved_by = ${o.userId}::uuid,
             temp_reserved_until = now() + make_interval(secs => ${o.holdSeconds}),
             version = version + 1, updated_at = now()
       where concert_id = ${o.concertId}::uuid and seat_number = ${o.seatNumber}::int and status = 'AVAILABLE'
         and (select n from live) < ${o.maxHolds}::int
         -- The weakest row lock, yet it waits for a status change in progress (FOR UPDATE):
         -- a hold and a cancellation of its concert never interleave.
         and exists (select 1 from ${concerts} where ${concerts.id} = ${o.concertId}::uuid and ${bookingOpenAt(sql`now()`)} for key share)
      returning id
    ), held as (
      insert into ${reservations} (user_id, seat_id, concert_id, seat_number, price, reserved_at, reserved_until)
      select ${o.userId}::uuid, taken.id, ${o.concertId}::uuid, ${o.seatNumber}::int, ${o.price}::numeric, now(),
             now() + make_interval(secs => ${o.holdSeconds})
        from taken
      returning *
    )
    select live.n as live_holds, held.* from live left join held on true`);
  const raw = rows[0];
  if (!raw) throw new Error('hold statement returned no row');
  return { liveHolds: Number(raw.live_holds), ...(raw.id ? { hold: reservationFromRaw(raw) } : {}) };
}

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
