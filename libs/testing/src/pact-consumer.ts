import { MatchersV3, MessageConsumerPact, PactV3 } from '@pact-foundation/pact';
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

/** One message consumer pact: `receives(description)` starts one message interaction; publish as above. */
export function messageConsumerPact(consumer: string, provider: string) {
  const out = pactOutput(consumer, provider);
  return {
    receives: (description: string) => new MessageConsumerPact({ consumer, provider, dir: out.dir, logLevel: 'warn' }).expectsToReceive(description),
    publish: out.publish,
  };
}
