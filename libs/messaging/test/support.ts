import { createKafka, ensureTopics, type KafkaClient } from '../src';
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
