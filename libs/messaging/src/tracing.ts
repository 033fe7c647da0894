import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { IncomingMessage, OutgoingMessage } from './types';

/*
 * W3C trace context across Kafka: the producer writes `traceparent` (and `tracestate`) into the
 * message headers, the consumer's span is a child of that context and links to it (OpenTelemetry
 * messaging conventions), so one trace runs from the HTTP request through the event to its
 * consumer. With no tracer provider registered every call here is a no-op.
 */
const tracer = () => trace.getTracer('concert-booking');
const TRACEPARENT = 'traceparent';

/**
 * One PRODUCER span per message, child of the context its headers already carry (an outbox row
 * keeps the context of the request that wrote it) or else of the active one; the message leaves
 * with the producer span's context. Returns the messages to send and a function ending the spans.
 */
export function startProducerSpans(messages: OutgoingMessage[]): { messages: OutgoingMessage[]; end(err?: unknown): void } {
  if (messages.length === 0) return { messages, end: () => undefined };
  const spans = messages.map((m) => {
    const parent = m.headers?.[TRACEPARENT] ? propagation.extract(ROOT_CONTEXT, m.headers) : context.active();
    const span = tracer().startSpan(
      `publish ${m.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': m.topic, 'messaging.kafka.message.key': m.key },
      },
      parent,
    );
    const headers = { ...m.headers };
    propagation.inject(trace.setSpan(parent, span), headers);
    return { span, message: { ...m, headers } };
  });
  return {
    messages: spans.map((s) => s.message),
    end(err) {
      for (const { span } of spans) {
        if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
        span.end();
      }
    },
  };
}

/** Runs a message's handling inside a CONSUMER span: child of the producer's context, linked to it. */
export async function inConsumerSpan<T>(msg: IncomingMessage, groupId: string, fn: () => Promise<T>): Promise<T> {
  const parent: Context = msg.headers[TRACEPARENT] ? propagation.extract(ROOT_CONTEXT, msg.headers) : ROOT_CONTEXT;
  const producer = trace.getSpanContext(parent);
  const span = tracer().startSpan(
    `process ${msg.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links: producer ? [{ context: producer }] : [],
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': msg.topic,
        'messaging.consumer.group.name': groupId,
        'messaging.destination.partition.id': String(msg.partition),
        'messaging.kafka.offset': Number(msg.offset),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}
