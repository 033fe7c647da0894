import { randomUUID } from 'node:crypto';
import { describeMessageProvider } from '@concert/testing/pact';
import { pay } from '../src/use-cases/pay';
import { fan, paymentDeps } from './support';

/**
 * payment's events as booking and queue expect them, produced by the real payment flow and read
 * back from the outbox row it wrote: exactly what the relay would publish.
 */
describeMessageProvider('payment-service-events', paymentDeps, (p) => ({
  'a payment-completed event': async () => {
    const f = await fan(p.deps, { balance: '500000.00', holds: true });
    await pay(p.deps, { userId: f.userId, reservationId: f.reservationId, idempotencyKey: randomUUID() });
    const { rows } = await p.pool.query<{ payload: unknown }>(
      'select payload from payment.outbox where aggregateid = $1 and type = $2 and topic like $3',
      [f.reservationId, 'payment-completed', `${p.topicPrefix}%`],
    );
    if (!rows[0]) throw new Error('pay() wrote no payment-completed');
    return rows[0].payload;
  },
}));
