import type { QueueEntry, Reservation } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { QueuePass } from '../domain/principal';
import type { GatewayDeps } from './deps';
import { assertAdmitted } from './queue-access';

/** Whether the fan's last hold of this seat was answered 503 with its outcome unknown. */
export const holdInDoubt = (d: GatewayDeps, h: { userId: string; concertId: string; seatNumber: number }): Promise<boolean> => d.holdsInDoubt.has(h);

/** booking gave no answer (timeout, connection lost): the hold may or may not have committed. */
const OUTCOME_UNKNOWN = new Set(['DEADLINE_EXCEEDED', 'UPSTREAM_UNAVAILABLE']);

/** Holds a seat for a fan whose queue pass admits them to the seat's concert. */
export async function holdAdmittedSeat(
  d: GatewayDeps,
  req: { userId: string; concertId: string; seatNumber: number; pass: QueuePass; look?: () => Promise<QueueEntry> },
  inDoubtRead?: Promise<boolean>,
): Promise<Reservation> {
  await assertAdmitted(d, req.pass, req.concertId, req.look);
  const hold = { userId: req.userId, concertId: req.concertId, seatNumber: req.seatNumber };
  return holdSeat(d, hold, inDoubtRead ?? d.holdsInDoubt.has(hold));
}

/**
 * Holds a seat for an admitted fan. A request the gateway gives up on answers 503, but booking may
 * still commit it: the gateway remembers that before answering, so the fan's retry can be
 * answered with the hold it has rather than SEAT_UNAVAILABLE for its own seat. `inDoubtRead` is
 * that memory's read when the route already sent it (for this very fan, concert and seat).
 */
export async function holdSeat(
  d: GatewayDeps,
  req: { userId: string; concertId: string; seatNumber: number },
  inDoubtRead: Promise<boolean> = d.holdsInDoubt.has(req),
): Promise<Reservation> {
  const inDoubt = await inDoubtRead;
  try {
    const reservation = await d.services.booking.createReservation(inDoubt ? { ...req, inDoubt } : req);
    if (inDoubt) await d.holdsInDoubt.clear(req);
    return reservation;
  } catch (err) {
    if (err instanceof AppError && OUTCOME_UNKNOWN.has(err.code)) await d.holdsInDoubt.mark(req);
    throw err;
  }
}
