import { serviceTokenSource } from '@concert/service-kit';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { EXAMPLE_EVENTS, INTERNAL_TOKEN_HEADER, TOPICS, topicName, type Topic } from '@concert/contracts';
import {
  createKafka,
  createKafkaPublisher,
  createKafkaSubscriber,
  ensureTopics,
  type EventPublisher,
  type IncomingMessage,
} from '@concert/messaging';
import { openConcertDraft, serviceTestDatabaseUrl, TEST_INTERNAL_KEY_GATEWAY, testKafkaBrokers, testRedisUrl } from '@concert/testing';
import { readConfig } from '../src/config';
import { start, type RunningBookingService } from '../src/start';

/** A service token as the gateway would send it. */
export const internalToken = serviceTokenSource('gateway', TEST_INTERNAL_KEY_GATEWAY, 'booking-service');
export const DATABASE_URL = process.env.BOOKING_DATABASE_URL ?? serviceTestDatabaseUrl('booking_svc');

/** One isolated environment per test file: topic prefix, consumer group and BullMQ prefix. */
export function testNamespace() {
  const id = randomBytes(4).toString('hex');
  return { id, topicPrefix: `t${id}.`, groupId: `booking-test-${id}`, bullPrefix: `{tb${id}}` };
}
export type Namespace = ReturnType<typeof testNamespace>;

export async function startBooking(ns: Namespace, env: Record<string, string> = {}): Promise<RunningBookingService> {
  const config = readConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: '0',
    DATABASE_URL,
    REDIS_URL: await testRedisUrl(),
    KAFKA_BROKERS: (await testKafkaBrokers()).join(','),
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    KAFKA_GROUP_ID: ns.groupId,
    BULLMQ_PREFIX: ns.bullPrefix,
    INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY,
    ...env,
  });
  return start(config);
}

export interface EventedBooking {
  ns: Namespace;
  svc: RunningBookingService;
  a: Api;
  events: Awaited<ReturnType<typeof collectEvents>>;
  pub: Awaited<ReturnType<typeof paymentPublisher>>;
}

/**
 * For an event-driven test file: one booking-service in its own namespace, with every event it
 * produces collected and a publisher standing in for payment-service; opened before the file's
 * tests and stopped after them. Read the fields inside tests and hooks.
 */
export function eventedBooking(env: Record<string, string> = {}): EventedBooking {
  const t = {} as EventedBooking;
  beforeAll(async () => {
    t.ns = testNamespace();
    t.events = await collectEvents(t.ns, ALL_PRODUCED);
    t.svc = await startBooking(t.ns, env);
    t.a = api(t.svc.url);
    t.pub = await paymentPublisher(t.ns);
  });
  afterAll(async () => {
    await Promise.all([t.svc?.stop(), t.events?.stop(), t.pub?.disconnect()]);
  });
  return t;
}

/** A tiny client for the internal API. */
export function api(baseUrl: string) {
  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { [INTERNAL_TOKEN_HEADER]: await internalToken(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are inspected loosely
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  }
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, b?: unknown) => call('POST', p, b),
    patch: (p: string, b?: unknown) => call('PATCH', p, b),
    delete: (p: string) => call('DELETE', p),
  };
}
export type Api = ReturnType<typeof api>;

/** A concert whose booking window is open now. */
export async function openConcert(a: Api, o: { totalSeats?: number; price?: string } = {}) {
  const draft = openConcertDraft();
  const created = await a.post('/internal/concerts', { ...draft, totalSeats: o.totalSeats ?? draft.totalSeats, price: o.price ?? draft.price });
  if (created.status !== 201) throw new Error(`create concert: ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await a.patch(`/internal/concerts/${created.body.id}`, { status: 'BOOKING_OPEN' });
  if (opened.status !== 200) throw new Error(`open concert: ${opened.status}`);
  return opened.body as { id: string; price: string; totalSeats: number };
}

export const newUser = () => randomUUID();

/** Collects every message of the given topics (from the beginning) for assertions. */
export async function collectEvents(ns: Namespace, topics: Topic[]) {
  const kafka = createKafka({ clientId: `test-${ns.id}`, brokers: await testKafkaBrokers() });
  const names = topics.map((t) => topicName(t, ns.topicPrefix));
  await ensureTopics(kafka, names.map((topic) => ({ topic, partitions: 6 })));
  const messages: IncomingMessage[] = [];
  const subscriber = createKafkaSubscriber(kafka);
  await subscriber.run({
    groupId: `collector-${ns.id}-${randomBytes(3).toString('hex')}`,
    topics: names,
    fromBeginning: true,
    handler: async (m) => {
      messages.push(m);
    },
  });
  return {
    messages,
    of: (topic: Topic) => messages.filter((m) => m.topic === topicName(topic, ns.topicPrefix)),
    stop: () => subscriber.stop(),
  };
}

export async function paymentPublisher(ns: Namespace): Promise<EventPublisher & { topic: string }> {
  const kafka = createKafka({ clientId: `test-pub-${ns.id}`, brokers: await testKafkaBrokers() });
  const publisher = createKafkaPublisher(kafka);
  await publisher.connect();
  return Object.assign(publisher, { topic: topicName(TOPICS.paymentCompleted, ns.topicPrefix) });
}

export const ALL_PRODUCED: Topic[] = [
  TOPICS.seatReserved,
  TOPICS.reservationExpired,
  TOPICS.reservationCancelled,
  TOPICS.reservationConfirmed,
  TOPICS.paymentRefundRequested,
];

/** The contract's example payment-completed, pointed at a real reservation. */
export function paymentCompletedFor(
  r: { id: string; concertId: string; price: string },
  userId: string,
  o: { paymentId?: string; eventId?: string } = {},
) {
  const example = EXAMPLE_EVENTS[TOPICS.paymentCompleted];
  return {
    ...example,
    eventId: o.eventId ?? randomUUID(),
    payload: {
      ...example.payload,
      paymentId: o.paymentId ?? randomUUID(),
      reservationId: r.id,
      concertId: r.concertId,
      userId,
      amount: r.price,
      paidAt: new Date().toISOString(),
    },
  };
}

export const parsed = (m: IncomingMessage) => JSON.parse(m.value) as { eventId: string; type: string; payload: Record<string, unknown> };
