import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import type { KafkaClient } from './kafka-client';
import { startProducerSpans } from './tracing';
import type { EventPublisher, OutgoingMessage } from './types';

export interface KafkaPublisherOptions {
  /**
   * Producer-level retries inside one send; default 0, and every caller retries the whole send
   * itself (the outbox relay re-publishes its rows; consumers dedupe). Why not kafkajs' own retry:
   * kafkajs 2.2.4 retries only the brokers that have not answered yet, so when a killed leader's
   * partitions move to a broker that already answered, their messages are silently dropped while
   * the send resolves as success (seen on the 3-broker cluster: tests/e2e/test/cluster-sale.test.ts).
   * Metadata is still refreshed on the failed attempt, so the caller's retry finds the new leaders.
   * With no retry inside a send, kafkajs' idempotence (sequence numbers that dedupe its own
   * retries) has nothing left to protect, and it refuses retries 0, so the producer is not
   * idempotent: a re-published batch may duplicate events, which the consumers' inbox drops.
   */
  retries?: number;
}

export function createKafkaPublisher(kafka: KafkaClient, opts: KafkaPublisherOptions = {}): EventPublisher {
  return new KafkaPublisher(
    kafka.producer({
      idempotent: (opts.retries ?? 0) > 0,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as the Java client: a key lands on the same partition from any producer.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: opts.retries ?? 0, initialRetryTime: 100, maxRetryTime: 3000 },
    }),
  );
}

class KafkaPublisher implements EventPublisher {
  private connecting: Promise<void> | undefined;

  constructor(private readonly producer: Producer) {
    producer.on(producer.events.DISCONNECT, () => {
      this.connecting = undefined;
    });
  }

  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    this.connecting = undefined;
    await this.producer.disconnect();
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const traced = startProducerSpans(messages);
    try {
      await this.producer.sendBatch({
        // All in-sync replicas (min.insync.replicas on a cluster) before an event counts as sent.
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: groupByTopic(traced.messages),
      });
      traced.end();
    } catch (err) {
      traced.end(err);
      throw err;
    }
  }
}

function groupByTopic(messages: OutgoingMessage[]) {
  const byTopic = new Map<string, Array<{ key: string; value: string; headers?: Record<string, string> }>>();
  for (const m of messages) {
    let list = byTopic.get(m.topic);
    if (!list) byTopic.set(m.topic, (list = []));
    list.push({ key: m.key, value: m.value, ...(m.headers ? { headers: m.headers } : {}) });
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}
