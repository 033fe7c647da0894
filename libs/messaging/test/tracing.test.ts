import { context, propagation, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '@concert/testing';
import { createKafkaSubscriber, type EventSubscriber } from '../src';
import { newTopic, useKafka } from './support';

describe('W3C trace context across Kafka (in-memory exporter)', () => {
  const k = useKafka();
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let subscriber: EventSubscriber;

  beforeAll(() => {
    provider.register();
  });
  afterAll(async () => {
    await subscriber?.stop();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('the producer writes traceparent; the consumer span is its child and links to it; the handler runs inside it', async () => {
    const topic = await newTopic(k.kafka, 'traced', 2);
    k.topics.push(topic);
    const seen: Array<{ headers: Record<string, string>; active?: SpanContext }> = [];
    subscriber = createKafkaSubscriber(k.kafka);
    const groupId = uniqueName('traced');
    await subscriber.run({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handler: async (msg) => {
        seen.push({ headers: msg.headers, active: trace.getActiveSpan()?.spanContext() });
      },
    });

    // 1. Published inside a request's span. 2. Published later with the context an outbox row
    //    kept (headers only, nothing active): both join the trace they came from.
    const request = trace.getTracer('test').startSpan('POST /payments', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), request), () => k.publisher.publish([{ topic, key: 'a', value: '1' }]));
    request.end();
    const stored: Record<string, string> = {};
    const earlier = trace.getTracer('test').startSpan('POST /reservations', { kind: SpanKind.SERVER });
    propagation.inject(trace.setSpan(context.active(), earlier), stored);
    earlier.end();
    await k.publisher.publish([{ topic, key: 'b', value: '2', headers: stored }]);

    await eventually(() => expect(seen).toHaveLength(2), { timeoutMs: 20_000 });
    await eventually(() => expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER)).toHaveLength(2));
    const spans = exporter.getFinishedSpans();
    for (const origin of [request, earlier]) {
      const { traceId, spanId } = origin.spanContext();
      const producer = spans.find((s) => s.kind === SpanKind.PRODUCER && s.spanContext().traceId === traceId)!;
      expect(producer.name).toBe(`publish ${topic}`);
      expect(producer.parentSpanContext?.spanId).toBe(spanId);
      const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === traceId)!;
      expect(consumer.name).toBe(`process ${topic}`);
      expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
      expect(consumer.links.map((l) => l.context.spanId)).toEqual([producer.spanContext().spanId]);
      expect(consumer.attributes['messaging.consumer.group.name']).toBe(groupId);
      const handled = seen.find((s) => s.active?.spanId === consumer.spanContext().spanId)!;
      expect(handled.headers.traceparent).toBe(`00-${traceId}-${producer.spanContext().spanId}-01`);
    }
  });
});
