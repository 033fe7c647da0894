import type { RequestListener } from 'node:http';
import type { MessageProviders } from '@pact-foundation/pact';
import { describe, it } from 'vitest';
import { verifyHttpPacts, verifyMessagePacts, type HttpPactsOptions } from './pact-provider';
import { openForSuite } from './suite-fixture';

interface Closable {
  close(): Promise<unknown>;
}

/**
 * A provider's whole HTTP contract test: `open` gives the provider (its app on real stores)
 * once for the file, and every committed pact naming `provider` is verified against it, with
 * the state handlers and hooks `options` builds from it.
 */
export function describeHttpProvider<P extends Closable & { app: RequestListener }>(
  provider: string,
  open: () => Promise<P>,
  token: () => Promise<string>,
  options: (p: P) => Pick<HttpPactsOptions, 'stateHandlers' | 'beforeEach'>,
): void {
  describe(`${provider} honours its HTTP consumers’ pacts`, () => {
    const opened = openForSuite(open);
    it('verifies every pact', () => verifyHttpPacts({ provider, app: opened().app, token, ...options(opened()) }));
  });
}

/** The same for events: each message provider produces its event through the real flow. */
export function describeMessageProvider<P extends Closable>(provider: string, open: () => Promise<P>, messageProviders: (p: P) => MessageProviders): void {
  describe(`${provider} honours its event consumers’ pacts`, () => {
    const opened = openForSuite(open);
    it('verifies every pact', () => verifyMessagePacts(provider, messageProviders(opened())));
  });
}
