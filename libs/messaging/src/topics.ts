import type { KafkaClient } from './kafka-client';
import type { TopicSpec } from './types';

/**
 * Creates the missing topics and waits until every partition has a leader. Existing topics are
 * waited for too: another service starting at the same moment may have just created them, and
 * subscribing before their leaders exist fails with "does not host this topic-partition".
 */
export async function ensureTopics(kafka: KafkaClient, topics: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin
        // kafkajs' own waitForLeaders throws on a transient UNKNOWN_TOPIC_OR_PARTITION; we wait below.
        .createTopics({ waitForLeaders: false, topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions })) })
        .catch((err: { type?: string }) => {
          if (err?.type !== 'TOPIC_ALREADY_EXISTS') throw err;
        });
    }
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: names })
        .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${names.join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export async function listTopics(kafka: KafkaClient): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}
