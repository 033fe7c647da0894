import { Router } from 'express';
import { CreateReservationRequest } from '@concert/contracts';
import { parseBody } from '@concert/service-kit';
import { principalOf } from '../../auth/middleware';
import type { GatewayDeps } from '../../use-cases/deps';
import { holdSeat } from '../../use-cases/holds';
import { assertAdmitted } from '../../use-cases/queue-access';
import { ownQueuePass } from './queue-pass';
import { pathId } from './request-parts';

export function reservationRoutes(d: GatewayDeps): Router {
  const r = Router();
  r.use('/reservations', d.authenticate);

  r.post('/reservations', async (req, res) => {
    // Bad input is a 400 whatever the queue says.
    const body = parseBody(CreateReservationRequest, req);
    const { userId } = principalOf(res);
    const pass = await ownQueuePass(d, req, userId);
    await assertAdmitted(d, pass, body.concertId);
    const reservation = await holdSeat(d, { userId, concertId: body.concertId, seatNumber: body.seatNumber });
    res.status(201).json(reservation);
  });

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
