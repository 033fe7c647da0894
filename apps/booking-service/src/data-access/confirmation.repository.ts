import { outboxInsertSql, outboxNotifySql, outboxParams, txClient, type OutboxRow, type Tx } from '@concert/db';
import type { ReservationStatus } from '@concert/contracts';
import type { BookingSchema } from './schema';

/*
 * The confirmation of a paid hold as prepared statements (parsed and planned once per
 * connection, no SQL built per call): lock, then confirm + seat + event in one round trip.
 * Why: every payment-completed runs it, and 49 payments at once confirmed behind each other.
 * Table and column names are the drizzle schema's (schema.ts).
 */

const LOCK = {
  name: 'booking.lock-for-confirmation',
  text: `SELECT id, user_id, concert_id, seat_number, status, reserved_until, payment_id, now() AS now
           FROM booking.reservations WHERE id = $1::uuid FOR UPDATE`,
};

export interface ReservationToConfirm {
  id: string;
  userId: string;
  concertId: string;
  seatNumber: number;
  status: ReservationStatus;
  reservedUntil: Date;
  paymentId: string | null;
  /** The database clock (the transaction's start): confirmed_at is now(), this same instant. */
  now: Date;
}

/** Locks the reservation row, exactly as the expiry does, so the two transitions never interleave. */
export async function lockForConfirmation(tx: Tx<BookingSchema>, id: string): Promise<ReservationToConfirm | undefined> {
  const { rows } = await txClient(tx).query<{
    id: string;
    user_id: string;
    concert_id: string;
    seat_number: number;
    status: ReservationStatus;
    reserved_until: Date;
    payment_id: string | null;
    now: Date;
  }>({ ...LOCK, values: [id] });
  const r = rows[0];
  return (
    r && {
      id: r.id,
      userId: r.user_id,
      concertId: r.concert_id,
      seatNumber: r.seat_number,
      status: r.status,
      reservedUntil: r.reserved_until,
      paymentId: r.payment_id,
      now: r.now,
    }
  );
}

const CONFIRM = {
  name: 'booking.confirm-reservation',
  // Each write reads from `confirmed`: a hold that is no longer TEMPORARILY_RESERVED changes nothing.
  text: `WITH confirmed AS (
           UPDATE booking.reservations SET status = 'CONFIRMED', confirmed_at = now(), payment_id = $2::uuid, updated_at = now()
            WHERE id = $1::uuid AND status = 'TEMPORARILY_RESERVED'
           RETURNING seat_id),
         seat AS (
           UPDATE booking.seats s SET status = 'RESERVED', temp_reserved_by = NULL, temp_reserved_until = NULL,
                  version = s.version + 1, updated_at = now()
             FROM confirmed c WHERE s.id = c.seat_id
           RETURNING 1),
         event AS (${outboxInsertSql('booking', 'confirmed', 3)})
       SELECT (SELECT count(*) FROM seat) + (SELECT count(*) FROM event) AS written, ${outboxNotifySql('booking')} AS notified
         FROM confirmed`,
};

/**
 * TEMPORARILY_RESERVED → CONFIRMED, its seat RESERVED and reservation-confirmed in one statement,
 * under lockForConfirmation's row lock. false: the hold was not live (nothing was written).
 */
export async function confirmWithEvent(tx: Tx<BookingSchema>, id: string, paymentId: string, event: OutboxRow): Promise<boolean> {
  const { rows } = await txClient(tx).query<{ written: string }>({ ...CONFIRM, values: [id, paymentId, ...outboxParams(event)] });
  const row = rows[0];
  if (row && Number(row.written) !== 2) throw new Error(`reservation ${id}: its seat or event was not written`);
  return row !== undefined;
}
