import { setTimeout as sleep } from 'node:timers/promises';
import { MatchersV3, MessageConsumerPact, PactV3, type V3MockServer } from '@pact-foundation/pact';
import { pactOutput } from './pact-files';

/** The example token consumers send; each provider's verifier swaps in a real one (withServiceToken). */
export const CONSUMER_TOKEN = 'pact-internal-token';
export const internalHeaders = { 'x-internal-token': MatchersV3.like(CONSUMER_TOKEN) };
// Pact compares a Content-Type by media type (a charset the provider adds is fine).
export const JSON_BODY = { 'Content-Type': 'application/json' };
export const PROBLEM_BODY = { 'Content-Type': 'application/problem+json' };
export const iso = (example: string) => MatchersV3.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.source, example);

/**
 * One HTTP consumer pact: the mock-server DSL writing into its scratch folder, and publish(n),
 * which commits the file only when all n interactions passed (pactOutput).
 */
export function httpConsumerPact(consumer: string, provider: string) {
  const out = pactOutput(consumer, provider);
  return { pact: new PactV3({ consumer, provider, dir: out.dir, logLevel: 'warn' }), publish: out.publish };
}

/** How long a finished test waits for the mock server to record the requests it answered. */
const SETTLE_MS = 2000;

/**
 * `pact.executeTest`, returning only once the mock server has recorded every request it answered.
 * pact-core 19's mock server records a match on a task of its own after it sent the response
 * (pact-foundation/pact-core-mock-server#13, open): on a busy box the check that follows the test
 * can run first and report a request it answered as "expected but not received". A request the
 * test never made still fails, SETTLE_MS later.
 */
export function settledTest<T>(pact: PactV3, test: (server: V3MockServer) => Promise<T>): Promise<T | undefined> {
  return pact.executeTest(async (server) => {
    const result = await test(server);
    // The core handle is private and replaced after every test: read it now, inside this one.
    const core = (pact as unknown as { pact: { mockServerMatchedSuccessfully(port: number): boolean } }).pact;
    const until = Date.now() + SETTLE_MS;
    while (!core.mockServerMatchedSuccessfully(server.port) && Date.now() < until) await sleep(5);
    return result;
  });
}

/** One message consumer pact: `receives(description)` starts one message interaction; publish as above. */
export function messageConsumerPact(consumer: string, provider: string) {
  const out = pactOutput(consumer, provider);
  return {
    receives: (description: string) => new MessageConsumerPact({ consumer, provider, dir: out.dir, logLevel: 'warn' }).expectsToReceive(description),
    publish: out.publish,
  };
}
