import { eventually, sleep, uniqueName, waitFor } from '@concert/testing';
import { describe, expect, it } from 'vitest';
import { consumeHoldingSlow, gate, useKafka } from './support';

describe('subscriber: fetching goes on while handlers run', () => {
  const k = useKafka();

  it('a message published while another is in its handler runs at once; the committed offset never passes the unfinished one', async () => {
    const topic = await k.topic('fetch_on', 1);
    const groupId = uniqueName('fetch-on');
    const { subscriber, order, held, slowStarted } = await consumeHoldingSlow(k, { topic, groupId }, { fetchMaxWaitMs: 5000 });
    await k.publisher.publish([{ topic, key: 'slow', value: '0' }]);
    await waitFor(slowStarted, { timeoutMs: 20_000 }); // message 0 is fetched and stuck in its handler

    // Published after that fetch: with kafkajs' own flow it would wait for message 0 to finish.
    await k.publisher.publish([
      { topic, key: 'a', value: '1' },
      { topic, key: 'slow', value: '2' },
      { topic, key: 'a', value: '3' },
    ]);
    await eventually(() => expect(order).toEqual(['a:1', 'a:3']), { timeoutMs: 10_000 });

    const stopping = subscriber.stop();
    held.open();
    await stopping;
    expect(order).toEqual(['a:1', 'a:3', 'slow:0']);
    // Committed: past 0 at most (message 2 never ran), so a new member starts at 1 or 2 and
    // gets 2 (and 3 again: the inbox makes that harmless).
    const again: number[] = [];
    await k.consume({ topic, groupId, handler: async (msg) => void again.push(Number(msg.value)) });
    await eventually(() => expect(again.at(-1)).toBe(3), { timeoutMs: 30_000 });
    expect(again[0]).toBeGreaterThanOrEqual(1);
    expect(again[0]).toBeLessThanOrEqual(2);
  }, 60_000);

  it('a partition whose backlog reaches the limit is no longer fetched, and flows again once it drains', async () => {
    const topic = await k.topic('fetch_on_backlog', 1);
    const handled: number[] = [];
    let inStuck = false;
    const held = gate();
    await k.consume(
      {
        topic,
        groupId: uniqueName('backlog'),
        maxInFlight: 4,
        handler: async (msg) => {
          if (msg.value === '0') {
            inStuck = true;
            await held.closed;
          }
          handled.push(Number(msg.value));
        },
      },
      { maxBacklogPerPartition: 10, fetchMaxWaitMs: 200 },
    );
    // One message per publish: each its own fetch, so the pause shows between them.
    await k.publisher.publish([{ topic, key: 'stuck', value: '0' }]);
    await waitFor(() => inStuck, { timeoutMs: 20_000 });
    for (let i = 1; i < 30; i++) await k.publisher.publish([{ topic, key: `k${i}`, value: String(i) }]);
    await sleep(2000);
    // Message 0 holds the committable offset: at most the limit (plus the batch that reached it) was taken.
    expect(handled.length).toBeGreaterThanOrEqual(9);
    expect(handled.length).toBeLessThan(29);
    held.open();
    await eventually(() => expect([...handled].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i)), { timeoutMs: 15_000 });
  }, 60_000);
});
