import { PoisonMessage } from '../src';
import { Registry } from 'prom-client';
import { eventually, sleep, uniqueName, waitFor } from '@concert/testing';
import { describe, expect, it } from 'vitest';
import { useKafka } from './support';

describe('subscriber: failing handler', () => {
  const k = useKafka();

  async function topicWith(values: string[]): Promise<string> {
    const topic = await k.topic('handler_failure');
    await k.publisher.publish(values.map((value) => ({ topic, key: 'same-key', value })));
    return topic;
  }

  it('retries a failing message in place and never skips it', async () => {
    const topic = await topicWith(['m1', 'm2', 'm3']);
    const attempts = new Map<string, number>();
    const processed: string[] = [];
    const subscriber = await k.consume(
      {
        topic,
        groupId: uniqueName('retry'),
        handlerRetries: 2,
        handler: async (msg) => {
          const n = (attempts.get(msg.value) ?? 0) + 1;
          attempts.set(msg.value, n);
          if (msg.value === 'm2' && n <= 5) throw new Error(`transient failure ${n}`);
          processed.push(msg.value);
        },
      },
      { handlerBackoffBaseMs: 10, handlerBackoffMaxMs: 20 },
    );

    await eventually(() => expect(processed).toEqual(['m1', 'm2', 'm3']), { timeoutMs: 30_000 });
    expect(attempts.get('m2')).toBe(6);
    expect(attempts.get('m3')).toBe(1);
    await waitFor(() => subscriber.healthy());
  });

  it('a handler failing for a long stretch (an outage) keeps its message, reports not ready, and resumes by itself', async () => {
    const topic = await topicWith(['ok', 'stuck', 'after']);
    const registry = new Registry();
    const seen: string[] = [];
    const processed: string[] = [];
    let outageUntil = Infinity;
    const subscriber = await k.consume(
      {
        topic,
        groupId: uniqueName('outage'),
        handlerRetries: 2,
        handler: async (msg) => {
          seen.push(msg.value);
          if (msg.value === 'stuck' && Date.now() < outageUntil) throw new Error('database unreachable');
          processed.push(msg.value);
        },
      },
      { handlerBackoffBaseMs: 20, handlerBackoffMaxMs: 300, registry },
    );

    await waitFor(() => seen.filter((v) => v === 'stuck').length > 3, { timeoutMs: 30_000 });
    outageUntil = Date.now() + 12_000; // longer than the session timeout: membership must survive it
    await waitFor(() => !subscriber.healthy(), { timeoutMs: 5000 });
    expect(await registry.getSingleMetricAsString('consumer_state')).toMatch(/state="retrying"} 1/);
    await sleep(11_000);
    expect(processed).toEqual(['ok']);
    expect(subscriber.healthy()).toBe(false);

    await eventually(() => expect(processed).toEqual(['ok', 'stuck', 'after']), { timeoutMs: 15_000 });
    await waitFor(() => subscriber.healthy(), { timeoutMs: 5000 });
    expect(await registry.getSingleMetricAsString('consumer_state')).toMatch(/state="running"} 1/);
    expect(await registry.getSingleMetricAsString('consumer_handler_failures_total')).toMatch(/} [1-9]\d*/);
  });

  it('a poison message with nowhere to park it is fatal: onFatal is called and the message stays uncommitted', async () => {
    const topic = await topicWith(['ok', 'poison', 'after']);
    const groupId = uniqueName('poison');
    const seen: string[] = [];
    const fatal: unknown[] = [];
    const subscriber = k.subscriber({ onFatal: (err) => fatal.push(err) });
    await subscriber.run({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handler: async (msg) => {
        seen.push(msg.value);
        if (msg.value === 'poison') throw new PoisonMessage('not an event');
      },
    });

    await waitFor(() => fatal.length > 0, { timeoutMs: 20_000 });
    expect(fatal[0]).toBeInstanceOf(PoisonMessage);
    expect(subscriber.healthy()).toBe(false);
    await sleep(500);
    expect(seen).not.toContain('after');
    await subscriber.stop();

    // The restarted process (here: a fixed consumer in the same group) resumes at the poison
    // message: nothing was skipped.
    const firstSeen: string[] = [];
    const restarted = k.subscriber();
    await restarted.run({
      groupId,
      topics: [topic],
      handler: async (msg) => {
        firstSeen.push(msg.value);
      },
    });
    await eventually(() => expect(firstSeen).toEqual(['poison', 'after']), { timeoutMs: 30_000 });
  });
});
