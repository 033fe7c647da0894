import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@concert/contracts';
import { eventually, uniqueName, type Api, type Platform } from '@concert/testing';
import { startOtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { e2ePlatform } from './support/platform';
import { admitted, openConcert } from './support/scenario';

let platform: Platform | undefined;
let api: Api;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const prefix = `${uniqueName('e2etr')}.`;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ platform, api } = await e2ePlatform({
    topicPrefix: prefix,
    // Standard OpenTelemetry variables, nothing of ours: export to the in-memory receiver quickly.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
  }));
});
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
});

function tree(spans: ReceivedSpan[], root: ReceivedSpan, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${root.service} ${root.kind} ${root.name}${root.links.length ? ' (linked)' : ''}`;
  return [line, ...spans.filter((s) => s.parentSpanId === root.spanId).flatMap((s) => tree(spans, s, depth + 1))];
}

describe('OpenTelemetry traces', () => {
  it('one payment is one trace: gateway → payment-service → Kafka (traceparent) → booking-service consumer', async () => {
    const concert = await openConcert(api, { seats: 5, price: '100.00' });
    const fan = await api.newUser();
    await api.charge(fan.token, '500.00');
    const queueToken = await admitted(api, fan.token, concert.id);
    const hold = await api.req<{ id: string }>('POST', '/reservations', { token: fan.token, queueToken, body: { concertId: concert.id, seatNumber: 1 } });
    expect(hold.status).toBe(201);
    const pay = await api.req('POST', '/payments', { token: fan.token, queueToken, body: { reservationId: hold.body.id }, idempotencyKey: randomUUID() });
    expect(pay.status).toBe(201);

    const completed = topicName(TOPICS.paymentCompleted, prefix);
    const trace = await eventually(
      () => {
        const root = receiver.spans.find((s) => s.service === 'gateway' && s.kind === 'SERVER' && s.attributes['url.path'] === '/api/v1/payments');
        expect(root, 'the gateway span of POST /payments').toBeDefined();
        const spans = receiver.spans.filter((s) => s.traceId === root!.traceId);
        const consumer = spans.find((s) => s.service === 'booking-service' && s.kind === 'CONSUMER' && s.name === `process ${completed}`);
        expect(consumer, 'booking-service consuming payment-completed in the same trace').toBeDefined();
        return { root: root!, spans, consumer: consumer! };
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const { root, spans, consumer } = trace;
    console.info(`[tracing] trace ${root.traceId}:\n${tree(spans, root).join('\n')}`);

    expect(root.parentSpanId).toBeUndefined();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    // Every hop is a child of the one before it, back to the gateway.
    const chain: ReceivedSpan[] = [];
    for (let s: ReceivedSpan | undefined = consumer; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) chain.unshift(s);
    expect(chain.map((s) => `${s.service} ${s.kind}`)).toEqual([
      'gateway SERVER',
      'gateway CLIENT',
      'payment-service SERVER',
      'payment-service PRODUCER',
      'booking-service CONSUMER',
    ]);
    expect(chain[2]!.attributes['url.path']).toBe('/internal/payments');
    const producer = chain[3]!;
    expect(producer.name).toBe(`publish ${completed}`);
    // The consumer's span links to the producer's (the context that came in the message headers).
    expect(consumer.links).toEqual([{ traceId: root.traceId, spanId: producer.spanId }]);
    // queue-service consumes the same event (ends the fan's slot) in the same trace.
    expect(spans.some((s) => s.service === 'queue-service' && s.kind === 'CONSUMER' && s.parentSpanId === producer.spanId)).toBe(true);
  });
});
