import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueActiveKey, type QueueEntry } from '@concert/contracts';
import { sleep, testRedisUrl } from '@concert/testing';
import { withQueueReader } from '../src/data-access/queue-reader';
import type { queueApi } from '../src/data-access/services';

/**
 * The reader answers an admitted fan from queue-service's active set in Redis, and forwards to
 * queue-service (the owner, and where a poll counts as a sign of life) on the first look, once
 * per heartbeat, and for anything that is not a live active slot. The queue-service side is a
 * recorder here: what is tested is which calls reach it.
 */
describe('queue reader', () => {
  let redis: Redis;
  const prefix = `qr${randomUUID().slice(0, 8)}:`;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  function owner(answer: QueueEntry['status']) {
    const calls: string[] = [];
    const entry = async (concertId: string, userId: string): Promise<QueueEntry> => {
      calls.push(`entry ${userId}`);
      return { concertId, userId, status: answer, position: answer === 'WAITING' ? 3 : 0, estimatedWaitSeconds: 0, activeUntil: null };
    };
    const enqueue = async (concertId: string, userId: string): Promise<QueueEntry> => {
      calls.push(`enqueue ${userId}`);
      return { concertId, userId, status: answer, position: 0, estimatedWaitSeconds: 0, activeUntil: null, created: true };
    };
    const api = { entry, enqueue } as unknown as ReturnType<typeof queueApi>;
    return { api, calls };
  }

  it('an admitted fan is answered from Redis between heartbeats; the heartbeat still reaches queue-service', async () => {
    const concertId = randomUUID();
    const userId = randomUUID();
    const until = Date.now() + 60_000;
    await redis.zadd(queueActiveKey(prefix, concertId), until, userId);
    const { api, calls } = owner('ACTIVE');
    const reader = withQueueReader(api, redis, { keyPrefix: prefix, heartbeatMs: 300 });

    await reader.entry(concertId, userId); // first look: the owner
    const local = await reader.entry(concertId, userId.toUpperCase());
    expect(local).toMatchObject({ status: 'ACTIVE', activeUntil: new Date(until).toISOString() });
    expect(calls).toEqual([`entry ${userId}`]);
    await sleep(350);
    await reader.entry(concertId, userId);
    expect(calls).toEqual([`entry ${userId}`, `entry ${userId}`]);

    // An enqueue is a sign of life as well: the next look is local.
    const other = randomUUID();
    await redis.zadd(queueActiveKey(prefix, concertId), until, other);
    await reader.enqueue(concertId, other);
    await reader.entry(concertId, other);
    expect(calls.filter((c) => c.endsWith(other))).toEqual([`enqueue ${other}`]);
  });

  it('anything but a live active slot goes to queue-service: waiting, expired, ended, Redis down', async () => {
    const concertId = randomUUID();
    const waiting = randomUUID();
    const expired = randomUUID();
    await redis.zadd(queueActiveKey(prefix, concertId), Date.now() - 1, expired);
    const { api, calls } = owner('WAITING');
    const reader = withQueueReader(api, redis, { keyPrefix: prefix, heartbeatMs: 60_000 });
    for (const u of [waiting, expired]) {
      await reader.entry(concertId, u);
      expect(await reader.entry(concertId, u)).toMatchObject({ status: 'WAITING', position: 3 });
    }
    expect(calls).toEqual([`entry ${waiting}`, `entry ${waiting}`, `entry ${expired}`, `entry ${expired}`]);

    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const active = randomUUID();
    const deadOwner = owner('ACTIVE');
    const blind = withQueueReader(deadOwner.api, dead, { keyPrefix: prefix, heartbeatMs: 60_000 });
    await blind.entry(concertId, active);
    await expect(blind.entry(concertId, active)).resolves.toMatchObject({ status: 'ACTIVE' });
    expect(deadOwner.calls).toEqual([`entry ${active}`, `entry ${active}`]);
    dead.disconnect();
  });
});
