import type { Server } from 'node:http';
import express from 'express';
import type { PayableReservation } from '@concert/contracts';

/**
 * Stands in for booking-service's one endpoint payment-service calls (an HTTP peer, not a
 * database or broker fake): GET /internal/reservations/:id/payable.
 */
export async function startBookingStub(): Promise<{ url: string; payables: Map<string, PayableReservation>; calls: string[]; close(): Promise<void> }> {
  const payables = new Map<string, PayableReservation>();
  const calls: string[] = [];
  const app = express();
  app.get('/internal/reservations/:id/payable', (req, res) => {
    calls.push(req.params.id);
    const r = payables.get(req.params.id);
    if (r) {
      res.json(r);
      return;
    }
    res.status(404).type('application/problem+json').send(
      JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, detail: 'Reservation not found', code: 'RESERVATION_NOT_FOUND' }),
    );
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    payables,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
