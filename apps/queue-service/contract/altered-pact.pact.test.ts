import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openForSuite, PACT_DIR, verifyHttpPacts } from '@concert/testing/pact';
import { describe, expect, it } from 'vitest';
import { internalToken } from '../test/helpers';
import { queueProvider } from './support';

/**
 * The verification is not a formality: the committed gateway pact with one field renamed (what
 * a provider-side rename looks like from the other end) must fail against the same provider.
 */
describe('a pact the provider does not honour', () => {
  const provider = openForSuite(queueProvider);

  it('fails verification', async () => {
    const pact = JSON.parse(readFileSync(join(PACT_DIR, 'gateway-queue-service.json'), 'utf8')) as {
      interactions: Array<{ description: string; response: { body?: Record<string, unknown> } }>;
    };
    const stats = pact.interactions.find((i) => i.description === 'a request for the queue counts of a concert');
    const body = stats!.response.body!;
    body.waitingFans = body.waiting;
    delete body.waiting;
    pact.interactions = [stats!];
    const dir = resolve(__dirname, '../../../tmp/pacts/altered');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'gateway-queue-service.json');
    writeFileSync(file, JSON.stringify(pact));
    const verification = verifyHttpPacts({
      provider: 'queue-service',
      app: provider().app,
      token: internalToken,
      pactUrls: [file],
      logLevel: 'error',
      stateHandlers: { 'a fan is in the queue of a concert': async () => undefined },
    });
    await expect(verification).rejects.toThrow(/missing the following keys: waitingFans/);
  });
});
