import { Router } from 'express';
import { CreateReservationRequest } from '@concert/contracts';
import { parseBody, pathId } from '@concert/service-kit';
import { alongsideOf, lookOf, passOf, principalOf } from './authentication';
import type { GatewayDeps } from '../../use-cases/deps';
import { holdAdmittedSeat, holdInDoubt } from '../../use-cases/holds';

export function reservationRoutes(d: GatewayDeps): Router {
  const r = Router();

  // Whether this seat's earlier hold is in doubt is read in the session check's round trip, for
  // the seat the body names in the pass's concert; the handler uses it only if the body is valid
  // and names that very concert and seat.
  const withHoldReads = d.authenticateWith({
    queuePass: true,
    alongside: (req, { principal, pass }) => {
      const seatNumber: unknown = (req.body as { seatNumber?: unknown } | undefined)?.seatNumber;
      if (!pass || typeof seatNumber !== 'number' || !Number.isSafeInteger(seatNumber)) return undefined;
      return { concertId: pass.concertId, seatNumber, read: holdInDoubt(d, { userId: principal.userId, concertId: pass.concertId, seatNumber }) };
    },
  });
  r.post('/reservations', withHoldReads, async (req, res) => {
    // Bad input is a 400 whatever the queue says.
    const body = parseBody(CreateReservationRequest, req);
    const early = alongsideOf<{ concertId: string; seatNumber: number; read: Promise<boolean> }>(res);
    const inDoubt = early?.concertId === body.concertId && early.seatNumber === body.seatNumber ? early.read : undefined;
    const hold = { userId: principalOf(res).userId, concertId: body.concertId, seatNumber: body.seatNumber, pass: passOf(res), look: lookOf(res) };
    res.status(201).json(await holdAdmittedSeat(d, hold, inDoubt));
  });
  // Everything else under /reservations (the hold above authenticates itself).
  r.use('/reservations', d.authenticate);

  r.get('/reservations/:id', async (req, res) => {
    const id = pathId(req, 'id', 'RESERVATION_NOT_FOUND');
    res.json(await d.services.booking.getReservation(id, principalOf(res).userId));
  });

  r.delete('/reservations/:id', async (req, res) => {
    const id = pathId(req, 'id', 'RESERVATION_NOT_FOUND');
    res.json(await d.services.booking.cancelReservation(id, principalOf(res).userId));
  });

  return r;
}
