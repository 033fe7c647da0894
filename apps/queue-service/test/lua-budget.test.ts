import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@concert/testing';
import { PRELUDE } from '../src/data-access/queue.lua';
import { nextRate, windowCap } from '../src/domain/admission';

// The scripts' budget arithmetic, run in Redis with a given clock, must equal the unit-tested TS.
const BUDGET = `${PRELUDE}
return window_budget(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))`;
const ADMITTED = `${PRELUDE}
count_admitted(KEYS[1], tonumber(ARGV[1]))
return 1`;

let redis: Redis;
beforeAll(async () => {
  redis = new Redis(await testRedisUrl());
});
afterAll(async () => {
  await redis?.quit();
});

const budget = async (key: string, now: number, aps: number, tickMs: number) =>
  Number(await redis.eval(BUDGET, 1, key, now, aps, tickMs));

describe('Lua window_budget', () => {
  it('matches windowCap for every rate, tick and moment of a second', async () => {
    const key = uniqueName('lua_budget');
    const second = 1_800_000_000_000;
    for (const aps of [1, 2, 3, 7, 50, 333, 10_000]) {
      for (const tickMs of [10, 100, 200, 1000]) {
        for (const ms of [0, 1, 99, 100, 450, 799, 800, 999]) {
          expect(await budget(key, second + ms, aps, tickMs)).toBe(windowCap(aps, ms, tickMs));
        }
      }
    }
    await redis.del(key);
  });

  it('subtracts what the window admitted, resets on the next second and records the rate of a backlogged window', async () => {
    const key = uniqueName('lua_window');
    const second = 1_800_000_001_000;
    expect(await budget(key, second, 10, 200)).toBe(2);
    await redis.eval(ADMITTED, 1, key, 2);
    expect(await budget(key, second + 250, 10, 200)).toBe(3); // cap ceil(10 * 450 / 1000) = 5, 2 used
    await redis.eval(ADMITTED, 1, key, 3);
    expect(await budget(key, second + 999, 10, 200)).toBe(5);
    await redis.hset(key, 'winBacklog', 1);
    expect(await budget(key, second + 1000, 10, 200)).toBe(2);
    expect(Number(await redis.hget(key, 'rate'))).toBe(nextRate(null, 5));
    expect(await redis.hmget(key, 'winAdmitted', 'admittedTotal')).toEqual(['0', '5']);
    await redis.del(key);
  });
});
