import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { CONCERT_STATUSES, isBookingOpen } from '@concert/contracts';
import { createDb, createPool, type Db } from '@concert/db';
import { insertConcertWithSeats } from '../src/data-access/concerts.repository';
import { migrate } from '../src/data-access/migrations';
import { concerts, schema, type BookingSchema } from '../src/data-access/schema';
import { bookingOpenAt } from '../src/data-access/seats.repository';
import { DATABASE_URL } from './support';

// The hold's SQL (takeSeat in hold.repository.ts renders bookingOpenAt) and the shared rule (contracts' bookingClosedReason) must agree at
// every boundary instant: open from the start instant, closed from the end instant.
const pool = createPool(DATABASE_URL, { max: 2 });
const db: Db<BookingSchema> = createDb(pool, schema);
beforeAll(() => migrate({ DATABASE_URL }));
afterAll(() => pool.end());

const start = new Date('2031-03-01T09:00:00.000Z');
const end = new Date('2031-03-01T11:00:00.000Z');
const instants = [-1, 0, 1].flatMap((d) => [new Date(start.getTime() + d), new Date(end.getTime() + d)]);

class Rollback extends Error {}

describe('booking window in SQL', () => {
  it('takes holds exactly when bookingClosedReason says open, at start ± 1 ms and end ± 1 ms', async () => {
    const checked: string[] = [];
    await db
      .transaction(async (tx) => {
        const c = await insertConcertWithSeats(tx, {
          title: 'window pin', artist: 'a', venue: 'v', concertDate: '2031-03-02', concertTime: '20:00:00',
          totalSeats: 1, price: '1.00', bookingStartTime: start, bookingEndTime: end,
        });
        for (const status of CONCERT_STATUSES) {
          await tx.update(concerts).set({ status }).where(eq(concerts.id, c.id));
          for (const at of instants) {
            const rows = await tx
              .select({ id: concerts.id })
              .from(concerts)
              .where(and(eq(concerts.id, c.id), bookingOpenAt(sql`${at.toISOString()}::timestamptz`)));
            const expected = isBookingOpen({ status, bookingStartTime: start, bookingEndTime: end }, at);
            expect({ status, at: at.toISOString(), open: rows.length === 1 }).toEqual({ status, at: at.toISOString(), open: expected });
            checked.push(`${status}@${at.toISOString()}=${expected}`);
          }
        }
        throw new Rollback(); // leaves no concert behind
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    expect(checked).toContain(`BOOKING_OPEN@${end.toISOString()}=false`);
    expect(checked).toContain(`BOOKING_OPEN@${start.toISOString()}=true`);
  });
});
