import { outboxInsertSql, outboxNotifySql, outboxParams, txClient, type Db, type OutboxRow, type Tx } from '@concert/db';
import type { ReservationStatus } from '@concert/contracts';
import type { BookingSchema } from './schema';

/*
 * The confirmation of a paid hold as prepared statements (parsed and planned once per
 * connection, no SQL built per call): read, then inbox + confirm + seat + event in one statement
 * (confirmAtOnce); or, when that does not apply, lock, then confirm + seat + event in one round trip.
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
  text: `SELECT ${COLUMNS} FROM booking.reservations WHERE id = $1::uuid`,
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

/** The reservation as it is now, no lock and no transaction: what confirmAtOnce decides on. */
export async function readForConfirmation(db: Db<BookingSchema>, id: string): Promise<ReservationToConfirm | undefined> {
  const { rows } = await db.$client.query<ReservationRow>({ ...READ, values: [id] });
  return rows[0] && toConfirm(rows[0]);
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

/**
 * TEMPORARILY_RESERVED → CONFIRMED at `confirmedAt` with payment $2, its seat RESERVED and
 * reservation-confirmed (parameters from `eventFirst`), plus the `also` writes; `written` counts
 * every write but the reservation's. Each write reads from `confirmed`: a hold that is no longer
 * TEMPORARILY_RESERVED changes nothing.
 */
function confirmSql(confirmedAt: string, eventFirst: number, also: string[] = []): string {
  const writes = [
    ...also,
    `seat AS (
       UPDATE booking.seats s SET status = 'RESERVED', temp_reserved_by = NULL, temp_reserved_until = NULL,
              version = s.version + 1, updated_at = now()
         FROM confirmed c WHERE s.id = c.seat_id
       RETURNING 1)`,
    `event AS (${outboxInsertSql('booking', 'confirmed', eventFirst)})`,
  ];
  const counted = writes.map((w) => `(SELECT count(*) FROM ${w.slice(0, w.indexOf(' '))})`).join(' + ');
  return `WITH confirmed AS (
            UPDATE booking.reservations SET status = 'CONFIRMED', confirmed_at = ${confirmedAt}, payment_id = $2::uuid, updated_at = now()
             WHERE id = $1::uuid AND status = 'TEMPORARILY_RESERVED'
            RETURNING seat_id),
          ${writes.join(',\n          ')}
          SELECT ${counted} AS written, ${outboxNotifySql('booking')} AS notified FROM confirmed`;
}

const CONFIRM = { name: 'booking.confirm-reservation', text: confirmSql('now()', 3) };

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
  name: 'booking.confirm-reservation-at-once',
  // One statement is one transaction: the inbox row, the confirmation, its seat and its event
  // commit together or not at all. The inbox insert has no ON CONFLICT on purpose: an event
  // consumed meanwhile fails the whole statement (unique violation), and nothing is written.
  text: confirmSql('$3::timestamptz', 6, [
    `consumed AS (INSERT INTO booking.inbox (consumer, event_id) SELECT $4::text, $5::uuid FROM confirmed RETURNING 1)`,
  ]),
};

/**
 * The confirmation without a transaction of its own: TEMPORARILY_RESERVED → CONFIRMED (at
 * `r.now`, the instant it was read), its seat, reservation-confirmed and the inbox row of the
 * payment event, in one statement, only if the hold is still TEMPORARILY_RESERVED. The UPDATE
 * takes the row lock and re-checks the status under it, so this decides exactly as
 * lockForConfirmation would. false: the hold changed since it was read (nothing was written).
 * Rejects with a unique violation when the event was consumed meanwhile (nothing was written).
 */
export async function confirmAtOnce(
  db: Db<BookingSchema>,
  r: ReservationToConfirm,
  paymentId: string,
  consumed: { consumer: string; eventId: string },
  event: OutboxRow,
): Promise<boolean> {
  const { rows } = await db.$client.query<{ written: string }>({
    ...CONFIRM_AT_ONCE,
    values: [r.id, paymentId, r.now, consumed.consumer, consumed.eventId, ...outboxParams(event)],
  });
  const row = rows[0];
  // Cannot happen (a reservation's seat always exists); said loudly if it ever does.
  if (row && Number(row.written) !== 3) throw new Error(`reservation ${r.id}: confirmed without its inbox row, seat or event`);
  return row !== undefined;
}
