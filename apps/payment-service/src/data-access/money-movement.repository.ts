import { outboxInsertSql, outboxNotifySql, outboxParams, pgErrorCode, PG_UNIQUE_VIOLATION, txClient, type OutboxRow } from '@concert/db';
import { AppError } from '@concert/service-kit';
import type { PayableView, PriorPayment } from '../domain/payment';
import type { PaymentTx } from './db';
import type { KeyRef } from './idempotency.repository';
import { DB_SCHEMA } from './schema';

/*
 * The pay and charge transactions as prepared statements, one round trip per step: parsed and
 * planned once per connection, and no SQL built per call. Why: 49 payments at once spent their
 * time in round trips through a busy event loop (a dozen statements each) and in building SQL.
 * With the key's claim (idempotency.repository.ts) a payment is BEGIN, claim, lock, record,
 * COMMIT, and a charge BEGIN, claim, record, COMMIT.
 * Table and column names are the drizzle schema's (schema.ts); the tests cover every statement.
 */

const S = DB_SCHEMA;
const PG_NUMERIC_OUT_OF_RANGE = '22003';

const LOCK_FOR_PAYMENT = {
  name: 'payment.lock-for-payment',
  // Reservation first, then the balance: the order of every path that takes both. A payment of
  // the same reservation that commits while this one waits on the lock is not seen by the
  // `prior` subquery (it reads the statement's snapshot); the partial unique index on payments
  // then refuses the second one (ALREADY_PAID), as the decision would have.
  text: `SELECT r.user_id, r.concert_id, r.status, r.price, r.reserved_until, now() AS now,
                u.balance, u.balance_version,
                (SELECT p.status FROM ${S}.payments p
                  WHERE p.reservation_id = r.reservation_id AND p.status IN ('COMPLETED', 'REFUNDED') LIMIT 1) AS prior
           FROM ${S}.payable_reservations r, ${S}.users u
          WHERE r.reservation_id = $1 AND u.id = $2
            FOR UPDATE OF r, u`,
};

export interface LockedReservation extends PayableView {
  concertId: string;
}

export interface PaymentContext {
  reservation: LockedReservation;
  prior: PriorPayment | undefined;
  balance: string;
  /** The database clock (the transaction's start): the deadline is judged by it, and it is paidAt. */
  now: Date;
}

/**
 * Locks the projection row and the payer's balance for the pay transaction: two payments of one
 * reservation queue here, as do all balance changes of one user. undefined: no such reservation
 * or no such user (the caller tells which; rare).
 */
export async function lockForPayment(tx: PaymentTx, reservationId: string, userId: string): Promise<PaymentContext | undefined> {
  const { rows } = await txClient(tx).query<{
    user_id: string;
    concert_id: string;
    status: LockedReservation['status'];
    price: string | null;
    reserved_until: Date | null;
    now: Date;
    balance: string;
    prior: PriorPayment['status'] | null;
  }>({ ...LOCK_FOR_PAYMENT, values: [reservationId, userId] });
  const r = rows[0];
  if (!r) return undefined;
  return {
    reservation: { userId: r.user_id, concertId: r.concert_id, status: r.status, price: r.price, reservedUntil: r.reserved_until },
    prior: r.prior ? { status: r.prior } : undefined,
    balance: r.balance,
    now: r.now,
  };
}

const RECORD_PAYMENT = {
  name: 'payment.record-payment',
  // The WHERE keeps the debit exact even if the caller's arithmetic were wrong: then no row, and
  // nothing else is written (each insert reads from `debit`). paid_at = now(), the lock's `now`.
  text: `WITH debit AS (
           UPDATE ${S}.users SET balance = balance - $2::numeric, balance_version = balance_version + 1, updated_at = now()
            WHERE id = $1::uuid AND balance >= $2::numeric AND balance = $3::numeric
           RETURNING balance + $2::numeric AS previous, balance, balance_version),
         payment AS (
           INSERT INTO ${S}.payments (id, user_id, reservation_id, amount, status, previous_balance, remaining_balance, paid_at)
           SELECT $4::text::uuid, $1::uuid, $5::uuid, $2::numeric, 'COMPLETED'::${S}.payment_status, previous, balance, now() FROM debit
           RETURNING id),
         ledger AS (
           INSERT INTO ${S}.balance_transactions (user_id, transaction_type, amount, previous_balance, new_balance, related_id, description)
           SELECT $1::uuid, 'PAYMENT'::${S}.transaction_type, $2::numeric, previous, balance, $4::text, $6::text FROM debit
           RETURNING id),
         response AS (
           UPDATE ${S}.idempotency_keys SET response_status = $9::int, response_body = $10::jsonb
            WHERE user_id = $1::uuid AND scope = $7::text AND key = $8::text AND EXISTS (SELECT 1 FROM payment)
           RETURNING 1),
         event AS (${outboxInsertSql(S, 'payment', 11)})
       SELECT d.balance_version, (SELECT count(*) FROM ledger) + (SELECT count(*) FROM response) + (SELECT count(*) FROM event) AS written,
              ${outboxNotifySql(S)} AS notified
         FROM debit d`,
};

/**
 * Debit, payment row, PAYMENT ledger row, the stored response and payment-completed (with its
 * NOTIFY) in one statement, after lockForPayment decided it. Returns the new balance version.
 */
export async function recordPayment(
  tx: PaymentTx,
  p: {
    userId: string;
    paymentId: string;
    reservationId: string;
    amount: string;
    previousBalance: string;
    description: string;
    key: KeyRef;
    response: { status: number; body: unknown };
    event: OutboxRow;
  },
): Promise<{ version: number }> {
  try {
    const { rows } = await txClient(tx).query<{ balance_version: string; written: string }>({
      ...RECORD_PAYMENT,
      values: [
        p.userId,
        p.amount,
        p.previousBalance,
        p.paymentId,
        p.reservationId,
        p.description,
        p.key.scope,
        p.key.key,
        p.response.status,
        JSON.stringify(p.response.body),
        ...outboxParams(p.event),
      ],
    });
    const row = rows[0];
    // Under the row lock taken by lockForPayment neither can happen; if it did, roll back.
    if (!row || Number(row.written) !== 3) throw new Error(`payment ${p.paymentId}: the balance changed under its row lock`);
    return { version: Number(row.balance_version) };
  } catch (err) {
    // The partial unique index: a payment of this reservation committed while we waited for its lock.
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw new AppError('ALREADY_PAID', 'This reservation is already paid');
    throw err;
  }
}

const RECORD_CHARGE = {
  name: 'payment.record-charge',
  text: `WITH credit AS (
           UPDATE ${S}.users SET balance = balance + $2::numeric, balance_version = balance_version + 1, updated_at = now()
            WHERE id = $1::uuid
           RETURNING balance - $2::numeric AS previous, balance, balance_version),
         ledger AS (
           INSERT INTO ${S}.balance_transactions (user_id, transaction_type, amount, previous_balance, new_balance, description)
           SELECT $1::uuid, 'CHARGE'::${S}.transaction_type, $2::numeric, previous, balance, 'Balance charge' FROM credit
           RETURNING id, new_balance)
       UPDATE ${S}.idempotency_keys k
          SET response_status = 200,
              response_body = jsonb_build_object('balance', l.new_balance::text, 'transactionId', l.id::text)
         FROM ledger l, credit c
        WHERE k.user_id = $1::uuid AND k.scope = 'charge' AND k.key = $3::text
       RETURNING k.response_body, c.balance, c.balance_version`,
};

/**
 * Credit, CHARGE ledger row and the stored response in one statement (the response is built by
 * the statement, from the ledger row, and returned as stored). undefined: no such user.
 */
export async function recordCharge(
  tx: PaymentTx,
  c: { userId: string; amount: string; key: string },
): Promise<{ body: { balance: string; transactionId: string }; balance: string; version: number } | undefined> {
  try {
    const { rows } = await txClient(tx).query<{ response_body: { balance: string; transactionId: string }; balance: string; balance_version: string }>({
      ...RECORD_CHARGE,
      values: [c.userId, c.amount, c.key],
    });
    const row = rows[0];
    return row && { body: row.response_body, balance: row.balance, version: Number(row.balance_version) };
  } catch (err) {
    // numeric(12,2) overflow: the balance would exceed what the column can hold.
    if (pgErrorCode(err) === PG_NUMERIC_OUT_OF_RANGE) throw new AppError('INVALID_STATE', 'The balance limit would be exceeded');
    throw err;
  }
}
