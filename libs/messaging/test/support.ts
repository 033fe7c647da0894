import { afterAll, afterEach, beforeAll } from 'vitest';
import { createKafka, createKafkaPublisher, createKafkaSubscriber, deleteTopics, ensureTopics, type EventPublisher, type EventSubscriber, type KafkaClient, type SubscribeOptions } from '../src';
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
 * A Kafka client and publisher for the enclosing describe. Topics made with `topic()` (or pushed
 * to `topics`) are deleted afterwards; subscribers made with `subscriber()` stop after each test.
 * Read the fields inside tests.
 */
export function useKafka() {
  const running: EventSubscriber[] = [];
  const ref = {
    kafka: undefined as unknown as KafkaClient,
    publisher: undefined as unknown as EventPublisher,
    topics: [] as string[],
    async topic(prefix: string, partitions = 1): Promise<string> {
      const topic = await newTopic(ref.kafka, prefix, partitions);
      ref.topics.push(topic);
      return topic;
    },
    subscriber(opts?: Parameters<typeof createKafkaSubscriber>[1]): EventSubscriber {
      const subscriber = createKafkaSubscriber(ref.kafka, opts);
      running.push(subscriber);
      return subscriber;
    },
    /** A new subscriber reading `topic` from its beginning (as the services do), stopped after the test. */
    async consume(
      run: Omit<SubscribeOptions, 'topics' | 'fromBeginning'> & { topic: string },
      opts?: Parameters<typeof createKafkaSubscriber>[1],
    ): Promise<EventSubscriber> {
      const { topic, ...rest } = run;
      const subscriber = ref.subscriber(opts);
      await subscriber.run({ ...rest, topics: [topic], fromBeginning: true });
      return subscriber;
    },
  };
  beforeAll(async () => {
    ref.kafka = await testKafka();
    ref.publisher = createKafkaPublisher(ref.kafka);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await ref.publisher?.disconnect();
    await deleteTopics(ref.kafka, ref.topics).catch(() => undefined);
  });
  return ref;
}

/**
 * A subscriber of `topic` (up to 4 messages in flight) whose handler holds every message keyed
 * 'slow' at a gate until the test opens it; `order` lists each finished message as `key:value`.
 */
export async function consumeHoldingSlow(
  k: ReturnType<typeof useKafka>,
  o: { topic: string; groupId: string },
  opts?: Parameters<typeof createKafkaSubscriber>[1],
) {
  const order: string[] = [];
  const held = gate();
  let slowStarted = false;
  const subscriber = await k.consume(
    {
      ...o,
      maxInFlight: 4,
      handler: async (msg) => {
        if (msg.key === 'slow') {
          slowStarted = true;
          await held.closed;
        }
        order.push(`${msg.key}:${msg.value}`);
      },
    },
    opts,
  );
  return { subscriber, order, held, slowStarted: () => slowStarted };
}

/** A handler that waits at the gate stays in flight until the test opens it. */
export function gate(): { closed: Promise<void>; open: () => void } {
  let open!: () => void;
  const closed = new Promise<void>((resolve) => (open = resolve));
  return { closed, open };
}
