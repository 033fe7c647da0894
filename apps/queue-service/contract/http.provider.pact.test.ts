import { Verifier } from '@pact-foundation/pact';
import { pactsFor } from '@concert/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/use-cases/waiting-room';
import { queueProvider } from './support';

/** The internal HTTP API as the gateway uses it: every committed pact naming queue-service. */
describe('queue-service honours its HTTP consumers’ pacts', () => {
  let p: Awaited<ReturnType<typeof queueProvider>>;
  beforeAll(async () => {
    p = await queueProvider();
  });
  afterAll(() => p?.close());

  it('verifies every pact', async () => {
    const pactUrls = pactsFor('queue-service');
    expect(pactUrls.length).toBeGreaterThan(0);
    await new Verifier({
      provider: 'queue-service',
      providerBaseUrl: p.url,
      pactUrls,
      requestFilter: p.withInternalToken,
      logLevel: 'warn',
      beforeEach: () => p.reset(),
      stateHandlers: {
        'a fan is in the queue of a concert': async (params: unknown) => {
          const { concertId, userId } = params as { concertId: string; userId: string };
          await enqueue(p.deps, concertId, userId);
          return undefined;
        },
      },
    }).verifyProvider();
  });
});
