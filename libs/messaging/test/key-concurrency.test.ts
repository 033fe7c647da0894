import { eventually, uniqueName } from '@concert/testing';
import { describe, expect, it } from 'vitest';
import { consumeHoldingSlow, useKafka } from './support';

describe('subscriber: keys of one partition side by side', () => {
  const k = useKafka();

  it('a slow key does not hold back other keys of its partition; each key keeps its order; commits never pass an unfinished message', async () => {
    const topic = await k.topic('key_concurrency', 1);
    const messages = Array.from({ length: 12 }, (_, i) => ({ topic, key: ['slow', 'a', 'b'][i % 3]!, value: String(i) }));
    await k.publisher.publish(messages);
    const groupId = uniqueName('keys');
    const { subscriber, order, held } = await consumeHoldingSlow(k, { topic, groupId });

    // Every 'a' and 'b' message passes while the first 'slow' one is still in its handler.
    await eventually(() => expect(order.filter((o) => !o.startsWith('slow'))).toHaveLength(8), { timeoutMs: 30_000 });
    expect(order.some((o) => o.startsWith('slow'))).toBe(false);
    for (const key of ['a', 'b']) {
      const seen = order.filter((o) => o.startsWith(`${key}:`)).map((o) => Number(o.split(':')[1]));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
    }

    // Stop while message 0 is still in its handler: it finishes, the rest of its key is left.
    // Message 3 (the next 'slow') never ran, so no committed offset may pass it: a new member of
    // the group starts at 3 at the latest and gets everything from there ('a'/'b' messages again:
    // the inbox makes that redelivery harmless). Nothing unfinished is ever skipped.
    const stopping = subscriber.stop();
    held.open();
    await stopping;
    expect(order.filter((o) => o.startsWith('slow'))).toEqual(['slow:0']);
    const again: number[] = [];
    // As the services do: a group that has no committed offset yet starts at the earliest.
    await k.consume({ topic, groupId, handler: async (msg) => void again.push(Number(msg.value)) });
    await eventually(() => expect(again.at(-1)).toBe(11), { timeoutMs: 30_000 });
    expect(again[0]).toBeLessThanOrEqual(3);
    expect(again).toEqual(Array.from({ length: 12 - again[0]! }, (_, i) => again[0]! + i));
  }, 90_000);
});
