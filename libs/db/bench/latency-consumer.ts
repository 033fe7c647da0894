import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createKafkaSubscriber } from '@concert/messaging';
import { sleep, uniqueName } from '@concert/testing';
import { nowMs } from './clock';

export interface ConsumerInput {
  brokers: string[];
  topic: string;
}

/** Another service consuming the topic: records when each event id arrives. Replies to 'finish'. */
async function consume(input: ConsumerInput): Promise<void> {
  const kafka = createKafka({ clientId: uniqueName('bench-consumer'), brokers: input.brokers });
  const consumed: Array<[string, number]> = [];
  const subscriber = createKafkaSubscriber(kafka);
  await subscriber.run({
    groupId: uniqueName('bench'),
    topics: [input.topic],
    partitionsConsumedConcurrently: 6,
    handler: async (msg) => {
      consumed.push([msg.headers['x-event-id'] ?? '', nowMs()]);
    },
  });
  while (!subscriber.healthy()) await sleep(50);
  parentPort?.postMessage({ ready: true });
  parentPort?.on('message', async (m: { finish?: boolean; count?: boolean }) => {
    if (m.count) parentPort?.postMessage({ count: consumed.length });
    if (m.finish) {
      await subscriber.stop();
      parentPort?.postMessage({ consumed });
    }
  });
}

void consume(workerData as ConsumerInput);
