import { verifyHttpPacts } from '@concert/testing/pact';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { enqueue } from '../src/use-cases/waiting-room';
import { internalToken } from '../test/helpers';
import { queueProvider } from './support';

/** The internal HTTP API as the gateway uses it: every committed pact naming queue-service. */
describe('queue-service honours its HTTP consumers’ pacts', () => {
  let p: Awaited<ReturnType<typeof queueProvider>>;
  beforeAll(async () => {
    p = await queueProvider();
  });
  afterAll(() => p?.close());

  it('verifies every pact', () =>
    verifyHttpPacts({
      provider: 'queue-service',
      app: p.app,
      token: internalToken,
      beforeEach: () => p.reset(),
      stateHandlers: {
        'a fan is in the queue of a concert': async (params: unknown) => {
          const { concertId, userId } = params as { concertId: string; userId: string };
          await enqueue(p.deps, concertId, userId);
          return undefined;
        },
      },
    }));
});
