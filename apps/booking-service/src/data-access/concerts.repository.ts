import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@concert/db';
import type { ConcertStatus } from '@concert/contracts';
import { concerts, seats, type BookingSchema, type ConcertRow } from './schema';

type Conn = Db<BookingSchema> | Tx<BookingSchema>;

export interface NewConcert {
  title: string;
  artist: string;
  venue: string;
  concertDate: string;
  concertTime: string;
  totalSeats: number;
  price: string;
  bookingStartTime: Date;
  bookingEndTime: Date;
}

export type ConcertWithAvailability = ConcertRow & { availableSeats: number };

// Spelled out: inside a selection drizzle renders columns unqualified, which would bind both
// sides of the correlation to seats.
const availableSeats = sql<number>`(
  select count(*)::int from ${seats} s
   where s.concert_id = "concerts"."id" and s.status = 'AVAILABLE'
)`.mapWith(Number);

/** The concert and its seats 1..totalSeats, in the caller's transaction. */
export async function insertConcertWithSeats(tx: Tx<BookingSchema>, c: NewConcert): Promise<ConcertRow> {
  const [row] = await tx.insert(concerts).values(c).returning();
  if (!row) throw new Error('insert concerts returned no row');
  await tx.execute(sql`
    insert into ${seats} (concert_id, seat_number)
    select ${row.id}::uuid, n from generate_series(1, ${c.totalSeats}::int) as n`);
  return row;
}

export async function findConcert(db: Conn, id: string): Promise<ConcertRow | undefined> {
  const [row] = await db.select().from(concerts).where(eq(concerts.id, id)).limit(1);
  return row;
}

export async function lockConcert(tx: Tx<BookingSchema>, id: string): Promise<ConcertRow | undefined> {
  const [row] = await tx.select().from(concerts).where(eq(concerts.id, id)).for('update');
  return row;
}

export async function setConcertStatus(tx: Tx<BookingSchema>, id: string, status: ConcertStatus): Promise<void> {
  await tx.update(concerts).set({ status }).where(eq(concerts.id, id));
}

export async function listConcertsWithAvailability(db: Conn): Promise<ConcertWithAvailability[]> {
  return db
    .select({ ...getColumns(), availableSeats })
    .from(concerts)
    .orderBy(asc(concerts.concertDate), asc(concerts.concertTime), asc(concerts.id));
}

export async function findConcertWithAvailability(db: Conn, id: string): Promise<ConcertWithAvailability | undefined> {
  const [row] = await db
    .select({ ...getColumns(), availableSeats })
    .from(concerts)
    .where(eq(concerts.id, id))
    .limit(1);
  return row;
}

function getColumns() {
  return {
    id: concerts.id,
    title: concerts.title,
    artist: concerts.artist,
    venue: concerts.venue,
    concertDate: concerts.concertDate,
    concertTime: concerts.concertTime,
    totalSeats: concerts.totalSeats,
    price: concerts.price,
    bookingStartTime: concerts.bookingStartTime,
    bookingEndTime: concerts.bookingEndTime,
    status: concerts.status,
    createdAt: concerts.createdAt,
    updatedAt: concerts.updatedAt,
  };
}
