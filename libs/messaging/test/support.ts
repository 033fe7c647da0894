import { afterAll, beforeAll } from 'vitest';
import { createKafka, createKafkaPublisher, deleteTopics, ensureTopics, type EventPublisher, type KafkaClient } from '../src';
import { testKafkaBrokers, uniqueName, waitForPort } from '@concert/testing';

export async function testKafka(): Promise<KafkaClient> {
  const brokers = await testKafkaBrokers();
  const [host, port] = brokers[0]!.split(':');
  await waitForPort(host!, Number(port), 120_000);
  return createKafka({ clientId: uniqueName('messaging-test'), brokers });
}

export async function newTopic(kafka: KafkaClient, prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(kafka, [{ topic, partitions }]);
  return topic;
}

/**
 * A Kafka client and publisher for the enclosing describe; topics pushed to `topics` are deleted
 * afterwards. Read the fields inside tests.
 */
export function useKafka() {
  const ref = { kafka: undefined as unknown as KafkaClient, publisher: undefined as unknown as EventPublisher, topics: [] as string[] };
  beforeAll(async () => {
    ref.kafka = await testKafka();
    ref.publisher = createKafkaPublisher(ref.kafka);
  });
  afterAll(async () => {
    await ref.publisher?.disconnect();
    await deleteTopics(ref.kafka, ref.topics).catch(() => undefined);
  });
  return ref;
}
