import { Router } from 'express';
import { InternalCreateReservation, UserIdQuery } from '@concert/contracts';
import { parseBody, parseParams, parseQuery, pathId } from '@concert/service-kit';
import { holdSeat } from '../../use-cases/holds';
import { cancelReservation, getPayable, getReservation, listReservations } from '../../use-cases/reservations';
import type { BookingDeps } from '../../use-cases/deps';

export function reservationRoutes(d: BookingDeps): Router {
  const r = Router();

  r.post('/reservations', async (req, res) => {
    res.status(201).json(await holdSeat(d, parseBody(InternalCreateReservation, req)));
  });

  r.get('/reservations/:id', async (req, res) => {
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await getReservation(d, pathId(req, 'id', 'RESERVATION_NOT_FOUND'), userId));
  });

  r.get('/reservations/:id/payable', async (req, res) => {
    res.json(await getPayable(d, pathId(req, 'id', 'RESERVATION_NOT_FOUND')));
  });

  r.delete('/reservations/:id', async (req, res) => {
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await cancelReservation(d, pathId(req, 'id', 'RESERVATION_NOT_FOUND'), userId));
  });

  r.get('/users/:userId/reservations', async (req, res) => {
    const { userId } = parseParams(UserIdQuery, req);
    res.json({ items: await listReservations(d, userId) });
  });

  return r;
}
