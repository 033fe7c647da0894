import { outboxInsertManySql, outboxInsertSql, outboxManyParams, outboxNotifySql, outboxParams, txClient, type Db, type OutboxRow, type Tx } from '@concert/db';
import type { ReservationStatus } from '@concert/contracts';
import type { BookingSchema } from './schema';

/*
 * The confirmation of a paid hold as prepared statements (parsed and planned once per
 * connection, no SQL built per call): read, then inbox + confirm + seat + event in one statement,
 * each for every payment that arrived together (readForConfirmation, confirmAtOnce); or, when
 * that does not apply, lock, then confirm + seat + event in one round trip.
 * Why: every payment-completed runs it, and 49 payments at once confirmed behind each other.
 * Table and column names are the drizzle schema's (schema.ts).
 */

const COLUMNS = 'id, user_id, concert_id, seat_number, status, reserved_until, payment_id, now() AS now';
const LOCK = {
  name: 'booking.lock-for-confirmation',
  text: `SELECT ${COLUMNS} FROM booking.reservations WHERE id = $1::uuid FOR UPDATE`,
};
const READ = {
  name: 'booking.read-for-confirmation',
  text: `SELECT ${COLUMNS} FROM booking.reservations WHERE id = ANY($1::uuid[])`,
};

type ReservationRow = {
  id: string;
  user_id: string;
  concert_id: string;
  seat_number: number;
  status: ReservationStatus;
  reserved_until: Date;
  payment_id: string | null;
  now: Date;
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
  const { rows } = await txClient(tx).query<ReservationRow>({ ...LOCK, values: [id] });
  return rows[0] && toConfirm(rows[0]);
}

/** The reservations as they are now, by id, no lock and no transaction: what confirmAtOnce decides on. */
export async function readForConfirmation(db: Db<BookingSchema>, ids: string[]): Promise<Map<string, ReservationToConfirm>> {
  const { rows } = await db.$client.query<ReservationRow>({ ...READ, values: [ids] });
  return new Map(rows.map((r) => [r.id, toConfirm(r)]));
}

function toConfirm(r: ReservationRow): ReservationToConfirm {
  return {
    id: r.id,
    userId: r.user_id,
    concertId: r.concert_id,
    seatNumber: r.seat_number,
    status: r.status,
    reservedUntil: r.reserved_until,
    paymentId: r.payment_id,
    now: r.now,
  };
}

const SEAT_RESERVED = `UPDATE booking.seats s SET status = 'RESERVED', temp_reserved_by = NULL, temp_reserved_until = NULL,
              version = s.version + 1, updated_at = now()
         FROM confirmed c WHERE s.id = c.seat_id
       RETURNING 1`;

const CONFIRM = {
  name: 'booking.confirm-reservation',
  // Each write reads from `confirmed`: a hold that is no longer TEMPORARILY_RESERVED changes nothing.
  text: `WITH confirmed AS (
            UPDATE booking.reservations SET status = 'CONFIRMED', confirmed_at = now(), payment_id = $2::uuid, updated_at = now()
             WHERE id = $1::uuid AND status = 'TEMPORARILY_RESERVED'
            RETURNING seat_id),
          seat AS (${SEAT_RESERVED}),
          event AS (${outboxInsertSql('booking', 'confirmed', 3)})
          SELECT (SELECT count(*) FROM seat) + (SELECT count(*) FROM event) AS written, ${outboxNotifySql('booking')} AS notified FROM confirmed`,
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

const CONFIRM_AT_ONCE = {
  name: 'booking.confirm-reservations-at-once',
  // One statement is one transaction: the inbox rows, the confirmations, their seats and their
  // events commit together or not at all. The inbox insert has no ON CONFLICT on purpose: an event
  // consumed meanwhile fails the whole statement (unique violation), and nothing is written.
  // Rows are locked in id order, so two of these never wait on each other in a cycle.
  text: `WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::uuid[]) AS i(id, payment_id, confirmed_at, consumed_event_id)),
          live AS (
            SELECT r.id FROM booking.reservations r
             WHERE r.id = ANY($1::uuid[]) AND r.status = 'TEMPORARILY_RESERVED'
             ORDER BY r.id FOR UPDATE),
          confirmed AS (
            UPDATE booking.reservations r SET status = 'CONFIRMED', confirmed_at = i.confirmed_at, payment_id = i.payment_id, updated_at = now()
              FROM input i JOIN live l ON l.id = i.id
             WHERE r.id = i.id AND r.status = 'TEMPORARILY_RESERVED'
            RETURNING r.id, r.seat_id, i.consumed_event_id),
          consumed AS (INSERT INTO booking.inbox (consumer, event_id) SELECT $5::text, consumed_event_id FROM confirmed RETURNING 1),
          seat AS (${SEAT_RESERVED}),
          event AS (${outboxInsertManySql('booking', 'confirmed', 'id', 6)})
          SELECT id::text, (SELECT count(*) FROM consumed) + (SELECT count(*) FROM seat) + (SELECT count(*) FROM event) AS written,
                 ${outboxNotifySql('booking')} AS notified
            FROM confirmed`,
};

export interface Confirmation {
  /** As read by readForConfirmation: confirmed at `r.now`, the instant it was read. */
  r: ReservationToConfirm;
  paymentId: string;
  /** The payment event, recorded in the inbox with the confirmation. */
  consumedEventId: string;
  event: OutboxRow;
}

/**
 * The confirmations without a transaction of their own: each hold TEMPORARILY_RESERVED →
 * CONFIRMED (at `r.now`, the instant it was read), its seat, reservation-confirmed and the inbox
 * row of its payment event, all in one statement, for the holds still TEMPORARILY_RESERVED. The
 * row lock re-checks the status, so this decides exactly as lockForConfirmation would. Returns
 * the ids confirmed; a hold that changed since it was read is not among them (nothing written).
 * Rejects with a unique violation when an event was consumed meanwhile (nothing was written).
 * The reservations must be distinct.
 */
export async function confirmAtOnce(db: Db<BookingSchema>, consumer: string, batch: Confirmation[]): Promise<Set<string>> {
  const { rows } = await db.$client.query<{ id: string; written: string }>({
    ...CONFIRM_AT_ONCE,
    values: [
      batch.map((c) => c.r.id),
      batch.map((c) => c.paymentId),
      batch.map((c) => c.r.now),
      batch.map((c) => c.consumedEventId),
      consumer,
      ...outboxManyParams(batch.map((c) => c.event)),
    ],
  });
  // Cannot happen (a reservation's seat always exists); said loudly if it ever does.
  const written = Number(rows[0]?.written ?? 0);
  if (written !== 3 * rows.length) throw new Error(`reservations ${rows.map((r) => r.id).join(', ')}: confirmed without every inbox row, seat or event`);
  return new Set(rows.map((r) => r.id));
}
