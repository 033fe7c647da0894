import { bookingClosedReason, DomainError, type Concert, type QueueEntry, type QueueStatusResponse } from '@concert/contracts';
import type { QueuePass } from './principal';

/** A fan may join the queue only inside the booking window (the shared rule: [start, end)). */
export function assertBookingOpen(concert: Pick<Concert, 'status' | 'bookingStartTime' | 'bookingEndTime'>, now: Date): void {
  const closed = bookingClosedReason(concert, now);
  if (closed === 'NOT_OPEN') throw new DomainError('BOOKING_NOT_OPEN', `Booking is not open (concert is ${concert.status})`);
  if (closed === 'NOT_STARTED') throw new DomainError('BOOKING_NOT_OPEN', 'Booking has not started yet');
  if (closed === 'ENDED') throw new DomainError('BOOKING_NOT_OPEN', 'Booking has ended');
}

/** Queue tokens never outlive the booking window (nor the configured cap); epoch seconds. */
export function queueTokenExpiry(bookingEndTime: string, now: Date, maxTtlSeconds: number): number {
  const nowS = Math.floor(now.getTime() / 1000);
  const end = Math.floor(Date.parse(bookingEndTime) / 1000);
  return Math.max(nowS + 60, Math.min(end, nowS + maxTtlSeconds));
}

/** A queue token belongs to one user: anyone else presenting it holds no valid token. */
export function assertOwnPass(pass: QueuePass, userId: string): void {
  if (pass.userId !== userId) throw new DomainError('QUEUE_TOKEN_INVALID', 'The queue token belongs to another user');
}

/** Booking needs the fan's own pass for this concert, admitted (ACTIVE) right now. */
export function assertPassAdmits(pass: QueuePass, concertId: string, status: QueueEntry['status'] | undefined): void {
  if (pass.concertId !== concertId) throw new DomainError('QUEUE_TOKEN_NOT_ACTIVE', 'The queue token is for another concert');
  if (status !== 'ACTIVE') throw new DomainError('QUEUE_TOKEN_NOT_ACTIVE', 'The queue token is not active yet (or any more)');
}

export function toQueueView(entry: Pick<QueueEntry, 'concertId' | 'status' | 'position' | 'estimatedWaitSeconds' | 'activeUntil'>): QueueStatusResponse {
  return {
    concertId: entry.concertId,
    status: entry.status,
    position: entry.status === 'WAITING' ? entry.position : 0,
    estimatedWaitSeconds: entry.status === 'WAITING' ? entry.estimatedWaitSeconds : 0,
    activeUntil: entry.status === 'ACTIVE' ? entry.activeUntil : null,
  };
}

/** What a fan sees when the queue no longer knows them (evicted for not polling, or slot ended). */
export const expiredView = (concertId: string): QueueStatusResponse => ({
  concertId,
  status: 'EXPIRED',
  position: 0,
  estimatedWaitSeconds: 0,
  activeUntil: null,
});
