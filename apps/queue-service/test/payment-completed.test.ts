import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, PaymentCompletedV1, TOPICS, topicName } from '@concert/contracts';
import { createKafka, createKafkaPublisher, type EventPublisher } from '@concert/messaging';
import { eventually, testKafkaBrokers } from '@concert/testing';
import { dropNamespace, namespace, startQueue } from './helpers';

const ns = namespace();
let svc: Awaited<ReturnType<typeof startQueue>>;
let publisher: EventPublisher;
const topic = topicName(TOPICS.paymentCompleted, ns.topicPrefix);
// One key for every message here: one partition, so they are handled in the order sent.
const KEY = randomUUID();

beforeAll(async () => {
  svc = await startQueue(ns, { QUEUE_TICK_MS: '100', QUEUE_DEFAULT_MAX_ACTIVE: '1' });
  publisher = createKafkaPublisher(createKafka({ clientId: 'queue-test', brokers: await testKafkaBrokers() }));
  await publisher.connect();
});
afterAll(async () => {
  await publisher?.disconnect();
  await svc?.stop();
  await dropNamespace(ns);
});

function paymentCompleted(concertId: string, userId: string, paidAt: Date) {
  const base = EXAMPLE_EVENTS[TOPICS.paymentCompleted];
  return PaymentCompletedV1.parse({
    ...base,
    eventId: randomUUID(),
    occurredAt: paidAt.toISOString(),
    payload: { ...base.payload, paymentId: randomUUID(), concertId, userId, paidAt: paidAt.toISOString() },
  });
}
const send = (value: unknown) =>
  publisher.publish([{ topic, key: KEY, value: typeof value === 'string' ? value : JSON.stringify(value) }]);

describe('payment-completed', () => {
  it('frees the payer’s slot at once and the next fan gets it; invalid and stale events change nothing', async () => {
    const c = svc.client;
    const concert = randomUUID();
    const [payer, next, other] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await c.enqueue(concert, payer)).body.status).toBe('ACTIVE');
    expect((await c.enqueue(concert, next)).body).toMatchObject({ status: 'WAITING', position: 1 });

    await send('not json');
    await send({ ...paymentCompleted(concert, payer, new Date()), type: 'something-else' });
    await send(paymentCompleted(concert, payer, new Date()));

    await eventually(async () => expect((await c.status(concert, payer)).body.status).toBe('EXPIRED'), { timeoutMs: 15_000 });
    await eventually(async () => expect((await c.status(concert, next)).body.status).toBe('ACTIVE'), { timeoutMs: 5000 });

    // A redelivered/stale event (paid before this slot was granted) must not end the slot...
    await send(paymentCompleted(concert, next, new Date(Date.now() - 60_000)));
    // ...and the same event delivered twice is harmless. A marker behind them shows they were handled.
    const otherConcert = randomUUID();
    expect((await c.enqueue(otherConcert, other)).body.status).toBe('ACTIVE');
    const marker = paymentCompleted(otherConcert, other, new Date());
    await send(marker);
    await send(marker);
    await eventually(async () => expect((await c.status(otherConcert, other)).body.status).toBe('EXPIRED'), { timeoutMs: 10_000 });
    expect((await c.status(concert, next)).body.status).toBe('ACTIVE');

    const ready = await fetch(`${c.base}/readyz`);
    expect(ready.status).toBe(200);
    const text = await (await fetch(`${c.base}/metrics`)).text();
    expect(text).toMatch(/^queue_completed_total\{[^}]*\} 2$/m);
  }, 45_000);
});
