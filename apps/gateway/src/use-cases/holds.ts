import type { Reservation } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { GatewayDeps } from './deps';

/** booking gave no answer (timeout, connection lost): the hold may or may not have committed. */
const OUTCOME_UNKNOWN = new Set(['DEADLINE_EXCEEDED', 'UPSTREAM_UNAVAILABLE']);

/**
 * Holds a seat for an admitted fan. A request the gateway gives up on answers 503, but booking may
 * still commit it: the gateway remembers that before answering, so the fan's retry can be
 * answered with the hold it has rather than SEAT_UNAVAILABLE for its own seat.
 */
export async function holdSeat(d: GatewayDeps, req: { userId: string; concertId: string; seatNumber: number }): Promise<Reservation> {
  const inDoubt = await d.holdsInDoubt.has(req);
  try {
    const reservation = await d.services.booking.createReservation(inDoubt ? { ...req, inDoubt } : req);
    if (inDoubt) await d.holdsInDoubt.clear(req);
    return reservation;
  } catch (err) {
    if (err instanceof AppError && OUTCOME_UNKNOWN.has(err.code)) await d.holdsInDoubt.mark(req);
    throw err;
  }
}
