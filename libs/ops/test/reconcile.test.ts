import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@concert/db';
import { CHECKS, reconcile } from '../src';

// A database of its own with both services' real migrations, so every check is exercised
// against the real tables: a clean state passes, and each seeded inconsistency is reported.
const ROOT = resolve(__dirname, '../../..');
const DB = `ops_test_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
const url = `postgres://postgres@127.0.0.1:5432/${DB}`;
let db: pg.Client;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  await runMigrations({ url, migrationsFolder: resolve(ROOT, 'apps/booking-service/drizzle'), migrationsSchema: 'booking' });
  await runMigrations({ url, migrationsFolder: resolve(ROOT, 'apps/payment-service/drizzle'), migrationsSchema: 'payment' });
  db = new pg.Client({ connectionString: url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
});

async function seedSale(opts: { reservation: string; payment: string | null; seat: string; balance: string; ledger: [string, string][] }) {
  const concert = randomUUID();
  const seatId = randomUUID();
  const user = randomUUID();
  const reservation = randomUUID();
  await db.query(
    `insert into booking.concerts (id, title, artist, venue, concert_date, concert_time, total_seats, price, booking_start_time, booking_end_time, status)
     values ($1, 't', 'a', 'v', '2027-01-01', '19:00', 1, 100, now() - interval '1 day', now() + interval '1 day', 'BOOKING_OPEN')`,
    [concert],
  );
  await db.query(`insert into booking.seats (id, concert_id, seat_number, status) values ($1, $2, 1, $3)`, [seatId, concert, opts.seat]);
  await db.query(
    `insert into booking.reservations (id, user_id, seat_id, concert_id, seat_number, status, price, reserved_until, confirmed_at)
     values ($1, $2, $3, $4, 1, $5::booking.reservation_status, 100, now() + interval '5 minutes', case when $5::text = 'CONFIRMED' then now() end)`,
    [reservation, user, seatId, concert, opts.reservation],
  );
  await db.query(`insert into payment.users (id, email, name, password_hash, balance) values ($1, $2, 'u', 'x', $3)`, [
    user,
    `${user}@ops.test`,
    opts.balance,
  ]);
  let previous = 0;
  for (const [type, amount] of opts.ledger) {
    const next = type === 'PAYMENT' ? previous - Number(amount) : previous + Number(amount);
    await db.query(
      `insert into payment.balance_transactions (user_id, transaction_type, amount, previous_balance, new_balance, related_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [user, type, amount, previous, next, reservation],
    );
    previous = next;
  }
  if (opts.payment) {
    await db.query(
      `insert into payment.payments (user_id, reservation_id, amount, status, previous_balance, remaining_balance, paid_at)
       values ($1, $2, 100, $3, 200, 100, now())`,
      [user, reservation, opts.payment],
    );
  }
}

const checksFailing = async () => (await reconcile({ url, database: DB })).violations.map((v) => v.check).sort();

describe('reconcile', () => {
  it('finds nothing wrong in a consistent sale', async () => {
    await seedSale({ reservation: 'CONFIRMED', payment: 'COMPLETED', seat: 'RESERVED', balance: '100.00', ledger: [['CHARGE', '200'], ['PAYMENT', '100']] });
    await seedSale({ reservation: 'EXPIRED', payment: 'REFUNDED', seat: 'AVAILABLE', balance: '200.00', ledger: [['CHARGE', '200'], ['PAYMENT', '100'], ['REFUND', '100']] });
    expect(await checksFailing()).toEqual([]);
  });

  it('reports a paid-but-released seat, a ledger that does not sum, and a seat out of step', async () => {
    await seedSale({ reservation: 'EXPIRED', payment: 'COMPLETED', seat: 'RESERVED', balance: '150.00', ledger: [['CHARGE', '200'], ['PAYMENT', '100']] });
    expect(await checksFailing()).toEqual([
      'completed_payment_without_confirmed_reservation',
      'ledger_does_not_sum_to_balance',
      'seat_status_disagrees_with_reservation',
    ]);
  });

  it('has a check for every invariant the platform promises', () => {
    expect(Object.keys(CHECKS)).toEqual(
      expect.arrayContaining([
        'seat_with_two_active_reservations',
        'payment_applied_twice',
        'reservation_paid_twice',
        'booking_outbox_not_drained',
        'payment_outbox_not_drained',
        'negative_balance',
      ]),
    );
  });
});
