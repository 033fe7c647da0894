import {
  createKafka,
  createKafkaPublisher,
  createKafkaSubscriber,
  deleteTopics,
  ensureTopics,
  type EventPublisher,
  type EventSubscriber,
  type IncomingMessage,
  type KafkaClient,
} from '@concert/messaging';
import { testKafkaBrokers, uniqueName, waitForPort } from '@concert/testing';

export async function testKafka(clientId = 'db-test'): Promise<KafkaClient> {
  const brokers = await testKafkaBrokers();
  const [host, port] = brokers[0]!.split(':');
  await waitForPort(host!, Number(port), 120_000);
  return createKafka({ clientId: uniqueName(clientId), brokers });
}

export async function createTopic(kafka: KafkaClient, prefix: string, partitions = 6): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(kafka, [{ topic, partitions }]);
  return topic;
}

export async function connectedPublisher(kafka: KafkaClient): Promise<EventPublisher> {
  const publisher = createKafkaPublisher(kafka);
  await publisher.connect();
  return publisher;
}

/** Reads the topic from the beginning into `received`, in arrival order. */
export async function collect(
  kafka: KafkaClient,
  topics: string[],
): Promise<{ received: IncomingMessage[]; subscriber: EventSubscriber }> {
  const received: IncomingMessage[] = [];
  const subscriber = createKafkaSubscriber(kafka);
  await subscriber.run({
    groupId: uniqueName('collector'),
    topics,
    fromBeginning: true,
    handler: async (msg) => {
      received.push(msg);
    },
  });
  return { received, subscriber };
}

export { deleteTopics };
