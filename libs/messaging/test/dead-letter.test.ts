import {
  createKafkaSubscriber,
  deadLetterTopic,
  DEAD_LETTER_HEADERS,
  ensureTopics,
  PoisonMessage,
  type EventSubscriber,
  type IncomingMessage,
} from '../src';
import { eventually, uniqueName, waitFor } from '@concert/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { newTopic, useKafka } from './support';

describe('subscriber: poison messages and the dead-letter topic', () => {
  const k = useKafka();
  const subscribers: EventSubscriber[] = [];

  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.stop()));
  });

  it('parks a poison message with its origin, commits past it and keeps the partition flowing', async () => {
    const topic = await newTopic(k.kafka, 'dlq_source');
    const dlq = deadLetterTopic(topic);
    await ensureTopics(k.kafka, [{ topic: dlq, partitions: 1 }]);
    k.topics.push(topic, dlq);
    await k.publisher.publish(['m1', 'poison', 'm3'].map((value) => ({ topic, key: 'same-key', value, headers: { 'x-request-id': `r-${value}` } })));

    const handled: string[] = [];
    const attempts = new Map<string, number>();
    const parkedSeen: string[] = [];
    const groupId = uniqueName('dlq');
    const subscriber = createKafkaSubscriber(k.kafka, { deadLetter: k.publisher, onDeadLetter: (m) => parkedSeen.push(m.value) });
    subscribers.push(subscriber);
    await subscriber.run({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handlerRetries: 3,
      handler: async (msg) => {
        attempts.set(msg.value, (attempts.get(msg.value) ?? 0) + 1);
        if (msg.value === 'poison') throw new PoisonMessage('not a valid event');
        handled.push(msg.value);
      },
    });
    await eventually(() => expect(handled).toEqual(['m1', 'm3']), { timeoutMs: 30_000 });
    expect(attempts.get('poison')).toBe(1); // never retried: it cannot get better
    expect(parkedSeen).toEqual(['poison']);
    expect(subscriber.healthy()).toBe(true);

    const parked: IncomingMessage[] = [];
    const reader = createKafkaSubscriber(k.kafka);
    subscribers.push(reader);
    await reader.run({ groupId: uniqueName('dlq-reader'), topics: [dlq], fromBeginning: true, handler: async (m) => void parked.push(m) });
    await eventually(() => expect(parked).toHaveLength(1), { timeoutMs: 30_000 });
    expect(parked[0]).toMatchObject({ key: 'same-key', value: 'poison' });
    expect(parked[0]!.headers).toMatchObject({
      'x-request-id': 'r-poison',
      [DEAD_LETTER_HEADERS.reason]: 'not a valid event',
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: '1',
      [DEAD_LETTER_HEADERS.group]: groupId,
    });

    // The offset moved past it: the same group, restarted, sees nothing again.
    await subscriber.stop();
    const again: string[] = [];
    const resumed = createKafkaSubscriber(k.kafka, { deadLetter: k.publisher });
    subscribers.push(resumed);
    await resumed.run({ groupId, topics: [topic], handler: async (m) => void again.push(m.value) });
    await waitFor(() => resumed.healthy(), { timeoutMs: 30_000 });
    await k.publisher.publish([{ topic, key: 'same-key', value: 'm4' }]);
    await eventually(() => expect(again).toEqual(['m4']), { timeoutMs: 30_000 });
  });
});
