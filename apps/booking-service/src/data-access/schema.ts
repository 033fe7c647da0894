import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgSchema,
  time,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { CONCERT_STATUSES, RESERVATION_STATUSES, SEAT_STATUSES } from '@concert/contracts';
import { createdAtColumn, inboxTable, outboxTable, updatedAtColumn } from '@concert/db';

/** The seed's concerts / seats / reservations in Postgres, owned by the booking_svc role. */
export const booking = pgSchema('booking');

export const concertStatus = booking.enum('concert_status', CONCERT_STATUSES);
export const seatStatus = booking.enum('seat_status', SEAT_STATUSES);
export const reservationStatus = booking.enum('reservation_status', RESERVATION_STATUSES);

const createdAt = createdAtColumn;
const updatedAt = updatedAtColumn;

export const concerts = booking.table(
  'concerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: varchar('title', { length: 200 }).notNull(),
    artist: varchar('artist', { length: 100 }).notNull(),
    venue: varchar('venue', { length: 200 }).notNull(),
    concertDate: date('concert_date', { mode: 'string' }).notNull(),
    concertTime: time('concert_time').notNull(),
    totalSeats: integer('total_seats').notNull().default(50),
    price: numeric('price', { precision: 10, scale: 2 }).notNull(),
    bookingStartTime: timestamp('booking_start_time', { withTimezone: true }).notNull(),
    bookingEndTime: timestamp('booking_end_time', { withTimezone: true }).notNull(),
    status: concertStatus('status').notNull().default('SCHEDULED'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('concerts_concert_date_idx').on(t.concertDate),
    index('concerts_booking_period_idx').on(t.bookingStartTime, t.bookingEndTime),
    index('concerts_status_idx').on(t.status),
    check('concerts_total_seats_check', sql`total_seats > 0`),
    check('concerts_price_check', sql`price >= 0`),
    check('concerts_booking_period_check', sql`booking_start_time < booking_end_time`),
  ],
);

export const seats = booking.table(
  'seats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    concertId: uuid('concert_id')
      .notNull()
      .references(() => concerts.id, { onDelete: 'cascade' }),
    seatNumber: integer('seat_number').notNull(),
    status: seatStatus('status').notNull().default('AVAILABLE'),
    // Plain uuid: users live in payment-service's schema, so no foreign key across the line.
    tempReservedBy: uuid('temp_reserved_by'),
    tempReservedUntil: timestamp('temp_reserved_until', { withTimezone: true }),
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('seats_concert_seat_number_key').on(t.concertId, t.seatNumber),
    index('seats_concert_status_idx').on(t.concertId, t.status),
    index('seats_temp_reserved_until_idx').on(t.tempReservedUntil),
  ],
);

export const reservations = booking.table(
  'reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    seatId: uuid('seat_id')
      .notNull()
      .references(() => seats.id, { onDelete: 'cascade' }),
    // Immutable facts of the hold, copied so reads and the per-concert hold limit need no join.
    concertId: uuid('concert_id')
      .notNull()
      .references(() => concerts.id, { onDelete: 'cascade' }),
    seatNumber: integer('seat_number').notNull(),
    status: reservationStatus('status').notNull().default('TEMPORARILY_RESERVED'),
    price: numeric('price', { precision: 10, scale: 2 }).notNull(),
    reservedAt: timestamp('reserved_at', { withTimezone: true }).notNull().defaultNow(),
    reservedUntil: timestamp('reserved_until', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** The payment that confirmed it: a redelivered or repeated payment-completed is recognised. */
    paymentId: uuid('payment_id'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The seed's UNIQUE(seat_id) would forbid re-booking after an expiry or a cancel.
    uniqueIndex('reservations_active_seat_key')
      .on(t.seatId)
      .where(sql`status in ('TEMPORARILY_RESERVED', 'CONFIRMED')`),
    index('reservations_user_status_idx').on(t.userId, t.status),
    index('reservations_user_concert_idx').on(t.userId, t.concertId),
    // Only live holds are ever scanned by deadline (the sweeper).
    index('reservations_reserved_until_idx')
      .on(t.reservedUntil)
      .where(sql`status = 'TEMPORARILY_RESERVED'`),
  ],
);

export const outbox = outboxTable(booking);
export const inbox = inboxTable(booking);

export const schema = { concerts, seats, reservations, outbox, inbox };
export type BookingSchema = typeof schema;

export type ConcertRow = typeof concerts.$inferSelect;
export type SeatRow = typeof seats.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
