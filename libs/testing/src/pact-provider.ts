import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageProviderPact, Verifier, type MessageProviders, type VerifierOptions } from '@pact-foundation/pact';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { pactsFor } from './pact-files';

type RequestFilter = NonNullable<VerifierOptions['requestFilter']>;

/** A provider's real app on a random local port, for the verifier to replay pacts against. */
export async function serveProvider(app: RequestListener) {
  const server = createServer(app);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** The verifier replays the consumer's example credential; the provider wants a real service token. */
export function withServiceToken(token: () => Promise<string>): RequestFilter {
  return (req, _res, next) => {
    token().then((t) => {
      req.headers[INTERNAL_TOKEN_HEADER] = t;
      next();
    }, next);
  };
}

/** A provider with no committed pact would pass vacuously; that is a broken set-up, not a pass. */
function committedPacts(provider: string): string[] {
  const urls = pactsFor(provider);
  if (urls.length === 0) throw new Error(`no committed pact names ${provider}`);
  return urls;
}

export interface HttpPactsOptions extends Pick<VerifierOptions, 'stateHandlers' | 'beforeEach' | 'logLevel'> {
  provider: string;
  /** The provider's real request handler (its express app). */
  app: RequestListener;
  /** What a real caller would send as its internal token. */
  token: () => Promise<string>;
  /** Default: every committed pact naming `provider`. */
  pactUrls?: string[];
}

/** Verifies HTTP pacts against the provider's app, served only for the verification. */
export async function verifyHttpPacts({ app, token, pactUrls, ...options }: HttpPactsOptions): Promise<void> {
  const urls = pactUrls ?? committedPacts(options.provider);
  const server = await serveProvider(app);
  try {
    await new Verifier({ logLevel: 'warn', ...options, providerBaseUrl: server.url, pactUrls: urls, requestFilter: withServiceToken(token) }).verifyProvider();
  } finally {
    await server.close();
  }
}

/** Verifies every committed message pact naming `provider`; each provider returns the event as it would be published. */
export async function verifyMessagePacts(provider: string, messageProviders: MessageProviders): Promise<void> {
  await new MessageProviderPact({ provider, pactUrls: committedPacts(provider), logLevel: 'warn', messageProviders }).verify();
}
