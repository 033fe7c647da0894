import { MatchersV3, PactV3 } from '@pact-foundation/pact';
import { Counter } from 'prom-client';
import { createLogger } from '@concert/service-kit';
import { pactOutput } from '@concert/testing';
import { createUpstream, type UpstreamName } from '../src/data-access/upstream';

const { regex } = MatchersV3;

/** The token the gateway's client sends; each provider's verifier swaps in its own. */
export const CONSUMER_TOKEN = 'pact-internal-token';
export const internalHeaders = { 'x-internal-token': MatchersV3.like(CONSUMER_TOKEN) };
// Pact compares a Content-Type by media type (a charset the provider adds is fine).
export const JSON_BODY = { 'Content-Type': 'application/json' };
export const PROBLEM_BODY = { 'Content-Type': 'application/problem+json' };

export const iso = (example: string) => regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.source, example);
export const money = (example: string) => regex(/^-?\d+\.\d{2}$/.source, example);
export const uuid = MatchersV3.uuid;

/** A problem document whose code the gateway passes through to the client unchanged. */
export const problem = (status: number, code: string) => ({
  type: MatchersV3.string('https://errors.concert.example/x'),
  title: MatchersV3.string('title'),
  status,
  detail: MatchersV3.string('detail'),
  code,
});

/** One consumer pact of the gateway: the mock server, and the gateway's real upstream client pointed at it. */
export function gatewayPact(provider: 'booking-service' | 'payment-service' | 'queue-service') {
  const out = pactOutput('gateway', provider);
  const pact = new PactV3({ consumer: 'gateway', provider, dir: out.dir, logLevel: 'warn' });
  const upstreamFor = (url: string, name: UpstreamName) =>
    createUpstream(name, url, CONSUMER_TOKEN, 5000, {
      logger: createLogger('gateway-pact', 'silent'),
      errors: new Counter({ name: 'pact_upstream_errors_total', help: 'unused', labelNames: ['service', 'kind'], registers: [] }),
    });
  return { pact, publish: out.publish, upstreamFor };
}
