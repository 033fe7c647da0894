/** The seat map's state: what each seat looks like to this fan, and the counts an operator watches. */
import type { ReservationStatus, Seat, SeatStatus } from '@concert/contracts';

export type { Seat, SeatStatus };

/** What a fan sees on one seat: `mine` = held or bought by this fan. */
export type SeatLook = 'free' | 'held' | 'sold' | 'mine-held' | 'mine-sold' | 'pending';

export interface MyReservation {
  seatNumber: number;
  status: ReservationStatus;
}

/**
 * `pending` = seats this fan just clicked and whose hold request is in flight; `taken` = seats the
 * fan just lost a race for (shown taken at once, before the next poll).
 */
export function seatLooks(
  seats: readonly Seat[],
  mine: readonly MyReservation[],
  pending: ReadonlySet<number> = new Set(),
  taken: ReadonlySet<number> = new Set(),
): Map<number, SeatLook> {
  const myHeld = new Set(mine.filter((r) => r.status === 'TEMPORARILY_RESERVED').map((r) => r.seatNumber));
  const mySold = new Set(mine.filter((r) => r.status === 'CONFIRMED').map((r) => r.seatNumber));
  const out = new Map<number, SeatLook>();
  for (const s of seats) {
    let look: SeatLook;
    if (mySold.has(s.seatNumber) && s.status !== 'AVAILABLE') look = 'mine-sold';
    else if (myHeld.has(s.seatNumber) && s.status !== 'AVAILABLE') look = s.status === 'RESERVED' ? 'mine-sold' : 'mine-held';
    else if (pending.has(s.seatNumber)) look = 'pending';
    else if (s.status === 'RESERVED') look = 'sold';
    else if (s.status === 'TEMPORARILY_RESERVED') look = 'held';
    else look = taken.has(s.seatNumber) ? 'held' : 'free';
    out.set(s.seatNumber, look);
  }
  return out;
}

export const LOOK_LABEL: Record<SeatLook, string> = {
  free: 'available',
  held: 'taken (held by another fan)',
  sold: 'sold',
  'mine-held': 'held by you',
  'mine-sold': 'yours (paid)',
  pending: 'holding…',
};

export interface SeatCounts {
  free: number;
  held: number;
  reserved: number;
  total: number;
}

export function countSeats(seats: readonly Seat[]): SeatCounts {
  const c: SeatCounts = { free: 0, held: 0, reserved: 0, total: seats.length };
  for (const s of seats) {
    if (s.status === 'AVAILABLE') c.free++;
    else if (s.status === 'TEMPORARILY_RESERVED') c.held++;
    else c.reserved++;
  }
  return c;
}

/**
 * After a hold attempt lost the race, the seat is shown taken "at once"; the mark is dropped as
 * soon as a newer seat map no longer says AVAILABLE for it, or after `ttlMs` if the seat came free
 * again (the winner released it), so the map never lies for long.
 */
export function pruneTaken(taken: ReadonlyMap<number, number>, seats: readonly Seat[], nowMs: number, ttlMs: number): Map<number, number> {
  const status = new Map(seats.map((s) => [s.seatNumber, s.status]));
  const out = new Map<number, number>();
  for (const [seat, at] of taken) {
    if (status.get(seat) === 'AVAILABLE' && nowMs - at < ttlMs) out.set(seat, at);
  }
  return out;
}

/** Money strings are exact decimals; compare them without floating point. */
export function moneyCents(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) throw new Error(`not a money string: ${s}`);
  const cents = BigInt(m[2] as string) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -cents : cents;
}

export function centsToMoney(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** How much the fan must add to afford `price` (decimal string), "0.00" if the balance covers it. */
export function shortfall(balance: string, price: string): string {
  const d = moneyCents(price) - moneyCents(balance);
  return centsToMoney(d > 0n ? d : 0n);
}

/** "120,000.00" for display; the value itself stays a string. */
export function formatMoney(s: string): string {
  const [int = '0', frac = '00'] = s.split('.');
  const neg = int.startsWith('-');
  const digits = neg ? int.slice(1) : int;
  return `${neg ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac.padEnd(2, '0')}`;
}
