import { createKafkaSubscriber, type EventSubscriber } from '../src';
import { eventually, sleep, uniqueName, waitFor } from '@concert/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { newTopic, useKafka } from './support';

describe('subscriber: failing handler', () => {
  const k = useKafka();
  let subscriber: EventSubscriber | undefined;

  afterEach(async () => {
    await subscriber?.stop();
    subscriber = undefined;
  });

  async function topicWith(values: string[]): Promise<string> {
    const topic = await newTopic(k.kafka, 'handler_failure');
    k.topics.push(topic);
    await k.publisher.publish(values.map((value) => ({ topic, key: 'same-key', value })));
    return topic;
  }

  it('retries a failing message in place, through a consumer restart, and never skips it', async () => {
    const topic = await topicWith(['m1', 'm2', 'm3']);
    const attempts = new Map<string, number>();
    const processed: string[] = [];
    subscriber = createKafkaSubscriber(k.kafka, { handlerBackoffBaseMs: 10, handlerBackoffMaxMs: 20 });
    await subscriber.run({
      groupId: uniqueName('retry'),
      topics: [topic],
      fromBeginning: true,
      handlerRetries: 2,
      handler: async (msg) => {
        const n = (attempts.get(msg.value) ?? 0) + 1;
        attempts.set(msg.value, n);
        // 5 failures > 1 + handlerRetries: the consumer must crash, restart and be handed m2 again.
        if (msg.value === 'm2' && n <= 5) throw new Error(`transient failure ${n}`);
        processed.push(msg.value);
      },
    });

    await eventually(() => expect(processed).toEqual(['m1', 'm2', 'm3']), { timeoutMs: 30_000 });
    expect(attempts.get('m2')).toBe(6);
    expect(attempts.get('m3')).toBe(1);
    await waitFor(() => subscriber!.healthy());
  });

  it('after the restart cap it stays down and reports unhealthy, leaving the message uncommitted', async () => {
    const topic = await topicWith(['ok', 'poison', 'after']);
    const groupId = uniqueName('poison');
    const seen: string[] = [];
    subscriber = createKafkaSubscriber(k.kafka, { handlerBackoffBaseMs: 5, handlerBackoffMaxMs: 10 });
    await subscriber.run({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handlerRetries: 0,
      maxRestarts: 1,
      handler: async (msg) => {
        seen.push(msg.value);
        if (msg.value === 'poison') throw new Error('cannot process');
      },
    });

    await waitFor(() => seen.includes('poison'), { timeoutMs: 20_000 });
    await waitFor(() => !subscriber!.healthy(), { timeoutMs: 30_000 });
    await sleep(500);
    expect(seen).not.toContain('after');
    await subscriber.stop();

    // A fixed consumer in the same group resumes from the committed offset (after 'ok'), i.e. at
    // the poison message: nothing was skipped.
    const firstSeen: string[] = [];
    subscriber = createKafkaSubscriber(k.kafka);
    await subscriber.run({
      groupId,
      topics: [topic],
      handler: async (msg) => {
        firstSeen.push(msg.value);
      },
    });
    await eventually(() => expect(firstSeen).toEqual(['poison', 'after']), { timeoutMs: 30_000 });
  });
});
