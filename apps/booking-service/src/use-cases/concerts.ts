import type { Concert, CreateConcertRequest, SeatMap } from '@concert/contracts';
import type { z } from 'zod';
import { withTransaction } from '@concert/db';
import { AppError } from '@concert/service-kit';
import { cacheKeys } from '../data-access/cache';
import {
  findConcert,
  findConcertWithAvailability,
  insertConcertWithSeats,
  listConcertsWithAvailability,
  lockConcert,
  setConcertStatus,
} from '../data-access/concerts.repository';
import { seatMap } from '../data-access/seats.repository';
import type { ConcertStatus } from '@concert/contracts';
import { canChangeStatus } from '../domain/concert';
import { endReservationsOfCancelledConcert, forgetEndedReservations } from './concert-cancellation';
import type { BookingDeps } from './deps';
import { toConcert } from './views';

/** Every concert with its available seats, from `cache:concerts:list` (evicted on any change). */
async function allConcerts(d: BookingDeps): Promise<Concert[]> {
  return d.cache.get('concerts', cacheKeys.concertList, d.config.CONCERTS_CACHE_TTL_SECONDS, async () =>
    (await listConcertsWithAvailability(d.db)).map(toConcert),
  );
}

export async function listConcerts(d: BookingDeps, status?: ConcertStatus): Promise<Concert[]> {
  const all = await allConcerts(d);
  return status ? all.filter((c) => c.status === status) : all;
}

export async function getConcert(d: BookingDeps, concertId: string): Promise<Concert> {
  const cached = (await allConcerts(d)).find((c) => c.id === concertId);
  if (cached) return cached;
  // Not in the list: only a concert created after the list was read; ask the database.
  const row = await findConcertWithAvailability(d.db, concertId);
  if (!row) throw new AppError('CONCERT_NOT_FOUND', `concert ${concertId} not found`);
  return toConcert(row);
}

export async function getSeatMap(d: BookingDeps, concertId: string): Promise<z.infer<typeof SeatMap>> {
  return d.cache.get('seats', cacheKeys.seatMap(concertId), d.config.SEATS_CACHE_TTL_SECONDS, async () => {
    const [concert, seats] = await Promise.all([findConcert(d.db, concertId), seatMap(d.db, concertId)]);
    // Throwing here stores nothing, so an unknown id never poisons the cache.
    if (!concert) throw new AppError('CONCERT_NOT_FOUND', `concert ${concertId} not found`);
    return { concertId, seats };
  });
}

export async function createConcert(d: BookingDeps, input: CreateConcertRequest): Promise<Concert> {
  const row = await withTransaction(d.db, (tx) =>
    insertConcertWithSeats(tx, {
      title: input.title,
      artist: input.artist,
      venue: input.venue,
      concertDate: input.concertDate,
      concertTime: input.concertTime.length === 5 ? `${input.concertTime}:00` : input.concertTime,
      totalSeats: input.totalSeats,
      price: input.price,
      bookingStartTime: new Date(input.bookingStartTime),
      bookingEndTime: new Date(input.bookingEndTime),
    }),
  );
  await d.cache.evict(cacheKeys.concertList);
  return toConcert({ ...row, availableSeats: row.totalSeats });
}

export async function changeConcertStatus(d: BookingDeps, concertId: string, status: ConcertStatus): Promise<Concert> {
  const ended = await withTransaction(d.db, async (tx) => {
    const concert = await lockConcert(tx, concertId);
    if (!concert) throw new AppError('CONCERT_NOT_FOUND', `concert ${concertId} not found`);
    if (!canChangeStatus(concert.status, status)) {
      throw new AppError('INVALID_STATE', `a ${concert.status} concert cannot become ${status}`);
    }
    if (concert.status === status) return [];
    await setConcertStatus(tx, concertId, status);
    return status === 'CANCELLED' ? endReservationsOfCancelledConcert(d, tx, concertId) : [];
  });
  d.concerts.forget(concertId);
  if (ended.length > 0) await forgetEndedReservations(d, concertId, ended);
  await d.cache.evict(cacheKeys.concertList);
  const row = await findConcertWithAvailability(d.db, concertId);
  if (!row) throw new AppError('CONCERT_NOT_FOUND', `concert ${concertId} not found`);
  return toConcert(row);
}
