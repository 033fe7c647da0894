import type { Db } from '@concert/db';
import { createTtlMemo } from '@concert/service-kit';
import { findConcert } from './concerts.repository';
import type { BookingSchema, ConcertRow } from './schema';

/**
 * Concert rows kept in memory for a moment, for the hold's pre-checks: in a sale every fan's
 * hold asks about the same concert, and most of them lose the seat before any database work.
 * Only a pre-check: the hold's own UPDATE re-checks the booking window in the database, so a
 * concert closed on another replica refuses holds at once all the same.
 */
export function createConcertSnapshots(db: Db<BookingSchema>, ttlMs: number) {
  const memo = createTtlMemo<ConcertRow | undefined>(ttlMs);
  return {
    get: (id: string) => memo.get(id, () => findConcert(db, id)),
    forget: (id: string) => memo.forget(id),
  };
}
export type ConcertSnapshots = ReturnType<typeof createConcertSnapshots>;
