import type { Db } from '@concert/db';
import { findConcert } from './concerts.repository';
import type { BookingSchema, ConcertRow } from './schema';

/**
 * Concert rows kept in memory for a moment, for the hold's pre-checks: in a sale every fan's
 * hold asks about the same concert, and most of them lose the seat before any database work.
 * Only a pre-check: the hold's own UPDATE re-checks the booking window in the database, so a
 * concert closed on another replica refuses holds at once all the same.
 */
export function createConcertSnapshots(db: Db<BookingSchema>, ttlMs: number) {
  const cache = new Map<string, { at: number; row: Promise<ConcertRow | undefined> }>();
  return {
    get(id: string): Promise<ConcertRow | undefined> {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ttlMs) return hit.row;
      const row = findConcert(db, id);
      if (ttlMs > 0) {
        if (cache.size >= 10_000) cache.clear();
        cache.set(id, { at: Date.now(), row });
        row.catch(() => cache.delete(id));
      }
      return row;
    },
    forget(id: string): void {
      cache.delete(id);
    },
  };
}
export type ConcertSnapshots = ReturnType<typeof createConcertSnapshots>;
