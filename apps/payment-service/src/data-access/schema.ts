import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { PAYMENT_STATUSES, RESERVATION_STATUSES, TRANSACTION_TYPES, USER_ROLES } from '@concert/contracts';
import { createdAtColumn, inboxTable, outboxTable, updatedAtColumn } from '@concert/db';

export const DB_SCHEMA = 'payment';
export const payment = pgSchema(DB_SCHEMA);

export const userRole = payment.enum('user_role', USER_ROLES);
export const paymentStatus = payment.enum('payment_status', PAYMENT_STATUSES);
export const transactionType = payment.enum('transaction_type', TRANSACTION_TYPES);
export const reservationStatus = payment.enum('reservation_status', RESERVATION_STATUSES);

const createdAt = createdAtColumn;
const updatedAt = updatedAtColumn;

export const users = payment.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: varchar('email', { length: 255 }).notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    phone: varchar('phone', { length: 20 }),
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull().default('user'),
    balance: numeric('balance', { precision: 12, scale: 2 }).notNull().default('0.00'),
    // Why: bumped by every balance change, so a cache write can tell an old balance from a new one.
    balanceVersion: bigint('balance_version', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    check('users_balance_non_negative', sql`${t.balance} >= 0`),
  ],
);

export const payments = payment.table(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // Plain uuid: reservations live in booking-service's schema.
    reservationId: uuid('reservation_id').notNull(),
    amount: numeric('amount', { precision: 10, scale: 2 }).notNull(),
    status: paymentStatus('status').notNull().default('PENDING'),
    paymentMethod: text('payment_method').notNull().default('BALANCE'),
    previousBalance: numeric('previous_balance', { precision: 12, scale: 2 }).notNull(),
    remainingBalance: numeric('remaining_balance', { precision: 12, scale: 2 }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Backstop for the row lock in the pay path: a reservation is paid at most once, and a
    // refunded one (its hold ended) is never paid again.
    uniqueIndex('payments_one_per_reservation')
      .on(t.reservationId)
      .where(sql`status in ('COMPLETED', 'REFUNDED')`),
    index('payments_user_status_idx').on(t.userId, t.status),
    check('payments_amount_positive', sql`${t.amount} > 0`),
    check('payments_method_check', sql`${t.paymentMethod} = 'BALANCE'`),
  ],
);

export const balanceTransactions = payment.table(
  'balance_transactions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: transactionType('transaction_type').notNull(),
    amount: numeric('amount', { precision: 12, scale: 2 }).notNull(),
    previousBalance: numeric('previous_balance', { precision: 12, scale: 2 }).notNull(),
    newBalance: numeric('new_balance', { precision: 12, scale: 2 }).notNull(),
    relatedId: varchar('related_id', { length: 36 }),
    description: varchar('description', { length: 500 }),
    createdAt: createdAt(),
  },
  (t) => [
    // Cursor pagination walks (user_id, id desc).
    index('balance_tx_user_id_idx').on(t.userId, t.id),
    index('balance_tx_user_created_idx').on(t.userId, t.createdAt),
    index('balance_tx_type_idx').on(t.type),
    check('balance_tx_amount_positive', sql`${t.amount} > 0`),
    // The ledger row must describe the change it records; a wrong sign can never be written.
    check(
      'balance_tx_arithmetic',
      sql`(${t.type} = 'PAYMENT' and ${t.newBalance} = ${t.previousBalance} - ${t.amount})
       or (${t.type} in ('CHARGE', 'REFUND') and ${t.newBalance} = ${t.previousBalance} + ${t.amount})`,
    ),
  ],
);

export const idempotencyKeys = payment.table(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    scope: text('scope').notNull(),
    key: varchar('key', { length: 64 }).notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.userId, t.scope, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);

/** What payment knows about booking's reservations, fed by booking's events (or fetched once). */
export const payableReservations = payment.table(
  'payable_reservations',
  {
    reservationId: uuid('reservation_id').primaryKey(),
    userId: uuid('user_id').notNull(),
    concertId: uuid('concert_id').notNull(),
    seatNumber: integer('seat_number'),
    // Null while only an end event (expired/cancelled) has arrived: a tombstone that blocks payment.
    price: numeric('price', { precision: 10, scale: 2 }),
    reservedUntil: timestamp('reserved_until', { withTimezone: true }),
    status: reservationStatus('status').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('payable_reservations_user_idx').on(t.userId)],
);

export const outbox = outboxTable(payment);
export const inbox = inboxTable(payment);

export const schema = {
  users,
  payments,
  balanceTransactions,
  idempotencyKeys,
  payableReservations,
  outbox,
  inbox,
};
export type PaymentSchema = typeof schema;
