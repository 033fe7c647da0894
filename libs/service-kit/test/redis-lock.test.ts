import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl, sleep } from '@concert/testing';
import { lockedBy, tryLock } from '../src';

let redis: Redis;
afterAll(async () => {
  await redis?.quit();
});

describe('tryLock (real Redis)', () => {
  it('admits one holder; a holder whose lock expired cannot release the next holder', async () => {
    redis = new Redis(await testRedisUrl());
    const key = `lock:test:${randomUUID()}`;
    const first = await tryLock(redis, key, 100);
    expect(first).not.toBeNull();
    expect(await tryLock(redis, key, 100)).toBeNull();
    await sleep(150);
    const second = await tryLock(redis, key, 5000);
    expect(second).not.toBeNull();
    await first?.();
    expect(await redis.exists(key)).toBe(1);
    await second?.();
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('lockedBy (real Redis)', () => {
  it('tells the owner named at tryLock from anybody else, and nobody once released', async () => {
    redis ??= new Redis(await testRedisUrl());
    const key = `lock:test:${randomUUID()}`;
    const release = await tryLock(redis, key, 5000, 'fan-1');
    expect(release).not.toBeNull();
    expect(await lockedBy(redis, key, 'fan-1')).toBe(true);
    expect(await lockedBy(redis, key, 'fan-2')).toBe(false);
    expect(await lockedBy(redis, key, 'fan')).toBe(false);
    await release?.();
    expect(await lockedBy(redis, key, 'fan-1')).toBe(false);
  });
});
