import {
  createKafkaPublisher,
  createKafkaSubscriber,
  deleteTopics,
  ensureTopics,
  REQUEST_ID_HEADER,
  type EventPublisher,
  type EventSubscriber,
  type IncomingMessage,
  type KafkaClient,
} from '../src';
import { eventually, uniqueName, waitFor } from '@concert/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTopic, testKafka } from './support';

describe('kafka publish/consume roundtrip', () => {
  let kafka: KafkaClient;
  let topics: string[];
  let publisher: EventPublisher;
  let subscriber: EventSubscriber;

  beforeAll(async () => {
    kafka = await testKafka();
    topics = [await newTopic(kafka, 'roundtrip_a', 3), await newTopic(kafka, 'roundtrip_b', 3)];
    publisher = createKafkaPublisher(kafka);
    await publisher.connect();
    subscriber = createKafkaSubscriber(kafka);
  });

  afterAll(async () => {
    await subscriber?.stop();
    await publisher?.disconnect();
    await deleteTopics(kafka, topics).catch(() => undefined);
  });

  it('delivers key, value and headers (x-request-id) across topics, in order per key', async () => {
    const [a, b] = topics as [string, string];
    const received: IncomingMessage[] = [];
    expect(subscriber.healthy()).toBe(false);
    await subscriber.run({
      groupId: uniqueName('roundtrip'),
      topics,
      fromBeginning: true,
      handler: async (msg) => {
        received.push(msg);
      },
    });

    await publisher.publish([
      { topic: a, key: 'k1', value: '{"n":1}', headers: { [REQUEST_ID_HEADER]: 'req-42', 'x-other': 'ü' } },
      { topic: b, key: 'k2', value: '{"n":2}' },
      { topic: a, key: 'k1', value: '{"n":3}' },
    ]);

    await eventually(() => expect(received).toHaveLength(3), { timeoutMs: 20_000 });
    const first = received.find((m) => m.value === '{"n":1}')!;
    expect(first).toMatchObject({ topic: a, key: 'k1', headers: { 'x-request-id': 'req-42', 'x-other': 'ü' } });
    expect(typeof first.partition).toBe('number');
    expect(first.offset).toMatch(/^\d+$/);
    expect(received.find((m) => m.topic === b)).toMatchObject({ key: 'k2', value: '{"n":2}', headers: {} });
    expect(received.filter((m) => m.key === 'k1').map((m) => m.value)).toEqual(['{"n":1}', '{"n":3}']);
    await waitFor(() => subscriber.healthy());
  });

  it('stop() commits what was handled: the group resumes after it, with no redelivery', async () => {
    const topic = topics[1]!;
    const groupId = uniqueName('resume');
    const first: string[] = [];
    const s1 = createKafkaSubscriber(kafka);
    await s1.run({ groupId, topics: [topic], fromBeginning: true, handler: async (m) => void first.push(m.value) });
    await eventually(() => expect(first).toEqual(['{"n":2}']), { timeoutMs: 20_000 });
    await s1.stop();

    await publisher.publish([{ topic, key: 'k9', value: 'later' }]);
    const second: string[] = [];
    const s2 = createKafkaSubscriber(kafka);
    await s2.run({ groupId, topics: [topic], fromBeginning: true, handler: async (m) => void second.push(m.value) });
    try {
      await eventually(() => expect(second).toEqual(['later']), { timeoutMs: 20_000 });
    } finally {
      await s2.stop();
    }
  });

  it('ensureTopics is idempotent', async () => {
    await ensureTopics(kafka, [{ topic: topics[0]!, partitions: 3 }]);
  });
});
