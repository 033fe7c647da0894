import { Router } from 'express';
import { z } from 'zod';
import { InternalCreateReservation, UserIdQuery } from '@concert/contracts';
import { AppError, parseBody, parseParams, parseQuery } from '@concert/service-kit';
import { holdSeat } from '../../use-cases/holds';
import { cancelReservation, getPayable, getReservation, listReservations } from '../../use-cases/reservations';
import type { BookingDeps } from '../../use-cases/deps';

/** A malformed id names no reservation: 404 like any unknown id. */
function reservationId(raw: string | string[] | undefined): string {
  const id = String(raw);
  if (!z.uuid().safeParse(id).success) throw new AppError('RESERVATION_NOT_FOUND', `reservation ${id} not found`);
  return id;
}

export function reservationRoutes(d: BookingDeps): Router {
  const r = Router();

  r.post('/reservations', async (req, res) => {
    res.status(201).json(await holdSeat(d, parseBody(InternalCreateReservation, req)));
  });

  r.get('/reservations/:id', async (req, res) => {
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await getReservation(d, reservationId(req.params.id), userId));
  });

  r.get('/reservations/:id/payable', async (req, res) => {
    res.json(await getPayable(d, reservationId(req.params.id)));
  });

  r.delete('/reservations/:id', async (req, res) => {
    const { userId } = parseQuery(UserIdQuery, req);
    res.json(await cancelReservation(d, reservationId(req.params.id), userId));
  });

  r.get('/users/:userId/reservations', async (req, res) => {
    const { userId } = parseParams(UserIdQuery, req);
    res.json({ items: await listReservations(d, userId) });
  });

  return r;
}
