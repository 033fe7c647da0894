import { describeHttpProvider } from '@concert/testing/pact';
import { enqueue } from '../src/use-cases/waiting-room';
import { internalToken } from '../test/helpers';
import { queueProvider } from './support';

/** The internal HTTP API as the gateway uses it: every committed pact naming queue-service. */
describeHttpProvider('queue-service', queueProvider, internalToken, (p) => ({
  beforeEach: () => p.reset(),
  stateHandlers: {
    'a fan is in the queue of a concert': async (params: unknown) => {
      const { concertId, userId } = params as { concertId: string; userId: string };
      await enqueue(p.deps, concertId, userId);
      return undefined;
    },
  },
}));
