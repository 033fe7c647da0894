import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { outboxInsertSql, outboxNotifySql, outboxParams, txClient, type OutboxRow, type Tx } from '@concert/db';
import type { BookingSchema, ReservationRow } from './schema';
import { bookingOpenAt } from './seats.repository';

/*
 * A hold as prepared statements (parsed and planned once per connection, no SQL built per call):
 * the fan's lock, then count + seat + reservation + seat-reserved in one round trip. With BEGIN
 * and COMMIT a winning hold is four round trips (it was seven). Table and column names are the
 * drizzle schema's (schema.ts); the booking window is bookingOpenAt's own SQL, rendered once, so
 * test/booking-window-sql.test.ts still pins the rule this statement applies.
 */
const BOOKING_OPEN_NOW = new PgDialect().sqlToQuery(bookingOpenAt(sql`now()`)!.inlineParams()).sql;

const LOCK = {
  name: 'booking.lock-for-hold',
  text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) AS locked, now() AS now,
                (SELECT id FROM booking.seats WHERE concert_id = $2::uuid AND seat_number = $3::int) AS seat_id`,
};

/**
 * Serialises one user's holds for one concert (transaction-scoped advisory lock), so ten
 * parallel requests from the same fan cannot all pass the hold-limit count. Its own statement:
 * the next one's snapshot then sees every hold of the fan that committed while this one waited.
 * Also answers the database clock (the transaction's start, which every now() of the
 * transaction returns) and the seat's id, so the hold's event can be built before it is written.
 */
export async function lockForHold(
  tx: Tx<BookingSchema>,
  h: { userId: string; concertId: string; seatNumber: number },
): Promise<{ now: Date; seatId: string | null }> {
  const { rows } = await txClient(tx).query<{ now: Date; seat_id: string | null }>({
    ...LOCK,
    values: [`hold:${h.userId}:${h.concertId}`, h.concertId, h.seatNumber],
  });
  const r = rows[0]!;
  return { now: r.now, seatId: r.seat_id };
}

const TAKE = {
  name: 'booking.take-seat',
  text: `WITH live AS (
           SELECT count(*)::int AS n FROM booking.reservations
            WHERE user_id = $2::uuid AND concert_id = $3::uuid AND status = 'TEMPORARILY_RESERVED' AND reserved_until > now()),
         taken AS (
           UPDATE booking.seats SET status = 'TEMPORARILY_RESERVED', temp_reserved_by = $2::uuid,
                  temp_reserved_until = now() + make_interval(secs => $5::int), version = version + 1, updated_at = now()
            WHERE concert_id = $3::uuid AND seat_number = $4::int AND status = 'AVAILABLE'
              AND (SELECT n FROM live) < $6::int
              -- The weakest row lock, yet it waits for a status change in progress (FOR UPDATE):
              -- a hold and a cancellation of its concert never interleave.
              AND EXISTS (SELECT 1 FROM booking.concerts WHERE id = $3::uuid AND ${BOOKING_OPEN_NOW} FOR KEY SHARE)
           RETURNING id),
         held AS (
           INSERT INTO booking.reservations (id, user_id, seat_id, concert_id, seat_number, price, reserved_at, reserved_until)
           SELECT $1::uuid, $2::uuid, taken.id, $3::uuid, $4::int, $7::numeric, now(), now() + make_interval(secs => $5::int)
             FROM taken
           RETURNING *),
         event AS (${outboxInsertSql('booking', 'held', 8)})
       SELECT live.n AS live_holds, (SELECT count(*) FROM event) AS events, held.*,
              CASE WHEN held.id IS NULL THEN NULL ELSE ${outboxNotifySql('booking')} END AS notified
         FROM live LEFT JOIN held ON true`,
};

interface RawHold {
  live_holds: number;
  events: string;
  id: string | null;
  user_id: string;
  seat_id: string;
  concert_id: string;
  seat_number: number;
  status: ReservationRow['status'];
  price: string;
  reserved_at: Date;
  reserved_until: Date;
  confirmed_at: Date | null;
  payment_id: string | null;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * The guarantee behind a hold, in one statement, after lockForHold: the user's live holds are
 * counted; only if they are below `maxHolds` is the seat taken, and only a seat that is AVAILABLE
 * right now, of a concert open for booking right now; then the reservation `id` is written for
 * the seat taken (the hold's clock is the database's: reserved_at = now(), reserved_until =
 * now() + hold) with `event` in the outbox and its NOTIFY. Concurrent holders queue on the seat's
 * row lock and all but the first find it taken (no hold returned, nothing written). The concert
 * row is key-share locked until commit, so a concurrent cancellation either waits for this hold
 * (and then ends it) or is seen by it.
 */
export async function takeSeat(
  tx: Tx<BookingSchema>,
  o: { id: string; userId: string; concertId: string; seatNumber: number; holdSeconds: number; maxHolds: number; price: string; event: OutboxRow },
): Promise<{ liveHolds: number; hold?: ReservationRow }> {
  const { rows } = await txClient(tx).query<RawHold>({
    ...TAKE,
    values: [o.id, o.userId, o.concertId, o.seatNumber, o.holdSeconds, o.maxHolds, o.price, ...outboxParams(o.event)],
  });
  const r = rows[0];
  if (!r) throw new Error('hold statement returned no row');
  if (r.id === null) return { liveHolds: r.live_holds };
  if (Number(r.events) !== 1) throw new Error(`reservation ${r.id}: its event was not written`);
  return {
    liveHolds: r.live_holds,
    hold: {
      id: r.id,
      userId: r.user_id,
      seatId: r.seat_id,
      concertId: r.concert_id,
      seatNumber: r.seat_number,
      status: r.status,
      price: r.price,
      reservedAt: r.reserved_at,
      reservedUntil: r.reserved_until,
      confirmedAt: r.confirmed_at,
      paymentId: r.payment_id,
      endedAt: r.ended_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    },
  };
}
