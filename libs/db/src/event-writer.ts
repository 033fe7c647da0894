import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, EVENT_HEADERS, topicName, type Topic } from '@concert/contracts';
import type { z } from 'zod';
import type { OutboxTable } from './outbox-table';
import { enqueueEvent, outboxRow, type EnqueueEventInput, type OutboxRow } from './outbox-writer';
import type { SchemaRecord, Tx } from './pool';

type Catalog = typeof EVENT_CATALOG;
/** The payload of the event published on `T`, as its contract declares it. */
export type PayloadOf<T extends Topic> = z.infer<Catalog[T]['schema']>['payload'];
/** Topics whose catalog row names `P` as the producer. */
export type TopicOf<P extends string> = { [T in Topic]: Catalog[T]['producer'] extends P ? T : never }[Topic];

/**
 * The one way a service writes an event: the envelope is built here and checked against the
 * topic's contract (libs/contracts EVENT_CATALOG) before the outbox row is written in the caller's
 * transaction, so a bug fails that transaction instead of reaching consumers. Every event is about
 * a reservation and keyed by its id, so booking's and payment's events of one reservation keep
 * their order on one partition.
 */
export function createEventWriter<P extends string>(o: EventSource<P>) {
  const build = createEventBuilder(o);
  return async function writeEvent<T extends TopicOf<P>, S extends SchemaRecord>(tx: Tx<S>, topic: T, payload: PayloadOf<T>): Promise<void> {
    await enqueueEvent(tx, o.outbox, build.input(topic, payload));
  };
}
export type EventWriterFn<P extends string> = ReturnType<typeof createEventWriter<P>>;

interface EventSource<P extends string> {
  producer: P;
  outbox: OutboxTable;
  topicPrefix: string;
  /** The request being served, if any: the event's correlation id and request-id header. */
  requestId: () => string | undefined;
}

/**
 * The same checked envelope as createEventWriter, as outbox row values, for a hot path that
 * inserts the row within a statement of its own (one round trip for the change and its event).
 */
export function createEventBuilder<P extends string>(o: EventSource<P>) {
  function input<T extends TopicOf<P>>(topic: T, payload: PayloadOf<T>): EnqueueEventInput {
    const { schema } = EVENT_CATALOG[topic];
    const requestId = o.requestId();
    const envelope = schema.parse({
      eventId: randomUUID(),
      type: schema.shape.type.value,
      version: schema.shape.version.value,
      occurredAt: new Date().toISOString(),
      producer: o.producer,
      ...(requestId ? { correlationId: requestId.slice(0, 128) } : {}),
      payload,
    });
    return {
      topic: topicName(topic, o.topicPrefix),
      key: envelope.payload.reservationId,
      aggregateType: 'reservation',
      envelope,
      ...(requestId ? { headers: { [EVENT_HEADERS.requestId]: requestId } } : {}),
    };
  }
  return { input, row: <T extends TopicOf<P>>(topic: T, payload: PayloadOf<T>): OutboxRow => outboxRow(input(topic, payload)) };
}
