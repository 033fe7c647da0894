import { randomUUID } from 'node:crypto';
import { describeHttpProvider } from '@concert/testing/pact';
import { pay } from '../src/use-cases/pay';
import { internalToken } from '../test/support';
import { fan, paymentProvider } from './support';

/** The internal HTTP API as the gateway uses it: every committed pact naming payment-service. */
describeHttpProvider('payment-service', paymentProvider, internalToken, (p) => ({
  stateHandlers: {
    'a fan with a balance': () => fan(p.deps, { balance: '500000.00' }),
    'a fan with a balance holds a seat': () => fan(p.deps, { balance: '500000.00', holds: true }),
    'a fan without money holds a seat': () => fan(p.deps, { holds: true }),
    'a fan has paid a hold': async () => {
      const f = await fan(p.deps, { balance: '500000.00', holds: true });
      const paid = await pay(p.deps, { userId: f.userId, reservationId: f.reservationId, idempotencyKey: randomUUID() });
      return { ...f, paymentId: (paid.body as { id: string }).id };
    },
  },
}));
