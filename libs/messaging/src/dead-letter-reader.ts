import { randomUUID } from 'node:crypto';
import type { KafkaClient } from './kafka-client';
import { DEAD_LETTER_HEADERS, deadLetterTopic } from './dead-letter';
import type { IncomingMessage, OutgoingMessage } from './types';

export interface DeadLetter extends IncomingMessage {
  reason: string;
  sourceTopic: string;
  timestamp: string;
}

/**
 * Every message parked on `<topic>.dlq`, read from the beginning up to the end offsets of the
 * moment of the call, by a throwaway consumer group that commits nothing and is deleted after.
 */
export async function readDeadLetters(kafka: KafkaClient, topic: string, opts: { timeoutMs?: number } = {}): Promise<DeadLetter[]> {
  const dlq = topic.endsWith('.dlq') ? topic : deadLetterTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `ops-dlq-reader-${randomUUID()}`;
  try {
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(dlq)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high) - 1n);
    if (ends.size === 0) return [];
    const found: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: dlq, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${dlq} timed out`)), opts.timeoutMs ?? 30_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const last = ends.get(partition);
              if (last === undefined || BigInt(message.offset) > last) return;
              const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v ?? '')]));
              found.push({
                topic: dlq,
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                value: message.value?.toString() ?? '',
                headers,
                reason: headers[DEAD_LETTER_HEADERS.reason] ?? '',
                sourceTopic: headers[DEAD_LETTER_HEADERS.topic] ?? dlq.replace(/\.dlq$/, ''),
                timestamp: new Date(Number(message.timestamp)).toISOString(),
              });
              if (BigInt(message.offset) === last) ends.delete(partition);
              if (ends.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The message to re-publish on the source topic: same key, value and headers, without the x-dlq-* ones. */
export function replayMessage(letter: DeadLetter): OutgoingMessage {
  const dlqHeaders = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
  const headers = Object.fromEntries(Object.entries(letter.headers).filter(([k]) => !dlqHeaders.has(k)));
  return { topic: letter.sourceTopic, key: letter.key ?? '', value: letter.value, headers };
}

/** Every dead-letter topic on the cluster with the number of messages it holds. */
export async function deadLetterCounts(kafka: KafkaClient): Promise<Array<{ topic: string; messages: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const dlqs = (await admin.listTopics()).filter((t) => t.endsWith('.dlq')).sort();
    return await Promise.all(
      dlqs.map(async (topic) => ({
        topic,
        messages: (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0),
      })),
    );
  } finally {
    await admin.disconnect();
  }
}
