import { MatchersV3, type V3Request } from '@pact-foundation/pact';
import { Counter } from 'prom-client';
import { createLogger } from '@concert/service-kit';
import { CONSUMER_TOKEN, httpConsumerPact, internalHeaders, JSON_BODY, settledTest } from '@concert/testing/pact';
import { it } from 'vitest';
import { createUpstream, type Upstream, type UpstreamName } from '../src/data-access/upstream';

export { internalHeaders, iso, JSON_BODY, PROBLEM_BODY } from '@concert/testing/pact';
export const money = (example: string) => MatchersV3.regex(/^-?\d+\.\d{2}$/.source, example);
export const uuid = MatchersV3.uuid;

/** A problem document whose code the gateway passes through to the client unchanged. */
export const problem = (status: number, code: string) => ({
  type: MatchersV3.string('https://errors.concert.example/x'),
  title: MatchersV3.string('title'),
  status,
  detail: MatchersV3.string('detail'),
  code,
});

/**
 * One consumer pact of the gateway, and run(test): the test gets the gateway's real client
 * (`client` over its real upstream) pointed at the pact's mock server.
 */
export function gatewayPact<Api>(provider: 'booking-service' | 'payment-service' | 'queue-service', upstream: UpstreamName, client: (up: Upstream) => Api) {
  const { pact, publish } = httpConsumerPact('gateway', provider);
  const run = (test: (api: Api) => Promise<void>) =>
    settledTest(pact, async (server) => {
      const up = createUpstream(upstream, server.url, CONSUMER_TOKEN, 5000, {
        logger: createLogger('gateway-pact', 'silent'),
        errors: new Counter({ name: 'pact_upstream_errors_total', help: 'unused', labelNames: ['service', 'kind'], registers: [] }),
      });
      try {
        await test(client(up));
      } finally {
        await up.close();
      }
    });
  return { pact, publish, run };
}
type GatewayPact<Api> = ReturnType<typeof gatewayPact<Api>>;

/**
 * Reads the provider answers with 200 in one state, one interaction (so one mock server) each:
 * the rows differ only in what is read, the path suffix, the body and the client's check.
 */
export function itReads<Api>(
  { pact, run }: GatewayPact<Api>,
  state: string,
  path: (suffix: string) => V3Request['path'],
  rows: Array<{ reads: string; suffix: string; body: unknown; check: (api: Api) => Promise<void> }>,
): void {
  it.each(rows)('reads $reads', async ({ reads, suffix, body, check }) => {
    pact
      .given(state)
      .uponReceiving(`a request for ${reads}`)
      .withRequest({ method: 'GET', path: path(suffix), headers: internalHeaders })
      .willRespondWith({ status: 200, headers: JSON_BODY, body });
    await run(check);
  });
}
