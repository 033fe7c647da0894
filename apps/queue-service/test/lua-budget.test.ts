import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@concert/testing';
import { PRELUDE } from '../src/data-access/queue.lua';

// The admission rule has one home, the Lua prelude; these cases pin it, run in Redis with a given clock.
const BUDGET = `${PRELUDE}
return window_budget(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))`;
const ADMITTED = `${PRELUDE}
count_admitted(KEYS[1], tonumber(ARGV[1]))
return 1`;
const ADMIT_COUNT = `${PRELUDE}
return admit_count(tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))`;
const NEXT_RATE = `${PRELUDE}
return tostring(next_rate(tonumber(ARGV[1]), tonumber(ARGV[2])))`;

let redis: Redis;
beforeAll(async () => {
  redis = new Redis(await testRedisUrl());
});
afterAll(async () => {
  await redis?.quit();
});

const SECOND = 1_800_000_000_000;

/** The budget at `ms` into a fresh second, after `admitted` were let in earlier in that second. */
async function budget(o: { aps: number; ms: number; tickMs: number; admitted?: number }): Promise<number> {
  const key = uniqueName('lua_budget');
  try {
    if (o.admitted) {
      await redis.eval(BUDGET, 1, key, SECOND, o.aps, o.tickMs); // opens the window
      await redis.eval(ADMITTED, 1, key, o.admitted);
    }
    return Number(await redis.eval(BUDGET, 1, key, SECOND + o.ms, o.aps, o.tickMs));
  } finally {
    await redis.del(key);
  }
}

describe('window budget (window_budget)', () => {
  it('spreads the per-second budget over the ticks of the second', async () => {
    // 50/s with 200 ms ticks: 10 per tick, cumulative 10, 20, ... 50
    const caps = [];
    for (const ms of [0, 200, 400, 600, 800]) caps.push(await budget({ aps: 50, ms, tickMs: 200 }));
    expect(caps).toEqual([10, 20, 30, 40, 50]);
  });
  it('rounds up so a slow rate still admits on the first tick of a second', async () => {
    expect(await budget({ aps: 1, ms: 0, tickMs: 200 })).toBe(1);
    expect(await budget({ aps: 3, ms: 0, tickMs: 200 })).toBe(1);
    expect(await budget({ aps: 3, ms: 250, tickMs: 200 })).toBe(2);
  });
  it('never exceeds admitPerSecond, however late the tick', async () => {
    expect(await budget({ aps: 50, ms: 990, tickMs: 200 })).toBe(50);
    expect(await budget({ aps: 7, ms: 999, tickMs: 1000 })).toBe(7);
    for (const aps of [1, 2, 3, 7, 50, 333, 10_000]) {
      for (const tickMs of [10, 100, 200, 1000]) {
        let previous = 0;
        for (const ms of [0, 1, 99, 100, 450, 799, 800, 999]) {
          const b = await budget({ aps, ms, tickMs });
          expect(b).toBeGreaterThanOrEqual(Math.max(1, previous));
          expect(b).toBeLessThanOrEqual(aps);
          previous = b;
        }
      }
    }
  });
  it('subtracts what the window already admitted, never going negative', async () => {
    expect(await budget({ aps: 50, admitted: 15, ms: 400, tickMs: 200 })).toBe(15);
    expect(await budget({ aps: 5, admitted: 5, ms: 900, tickMs: 200 })).toBe(0);
    expect(await budget({ aps: 5, admitted: 4, ms: 0, tickMs: 200 })).toBe(0);
  });
  it('lets the budget of one second be spent over all its ticks in total', async () => {
    const key = uniqueName('lua_second');
    let admitted = 0;
    for (let ms = 0; ms < 1000; ms += 100) {
      const b = Number(await redis.eval(BUDGET, 1, key, SECOND + ms, 37, 100));
      if (b > 0) await redis.eval(ADMITTED, 1, key, b);
      admitted += b;
    }
    expect(admitted).toBe(37);
    await redis.del(key);
  });

  it('subtracts what the window admitted, resets on the next second and records the rate of a backlogged window', async () => {
    const key = uniqueName('lua_window');
    const second = SECOND + 1000;
    const at = async (ms: number) => Number(await redis.eval(BUDGET, 1, key, second + ms, 10, 200));
    expect(await at(0)).toBe(2);
    await redis.eval(ADMITTED, 1, key, 2);
    expect(await at(250)).toBe(3); // cap ceil(10 * 450 / 1000) = 5, 2 used
    await redis.eval(ADMITTED, 1, key, 3);
    expect(await at(999)).toBe(5);
    await redis.hset(key, 'winBacklog', 1);
    expect(await at(1000)).toBe(2);
    expect(Number(await redis.hget(key, 'rate'))).toBe(5); // the first measured window
    expect(await redis.hmget(key, 'winAdmitted', 'admittedTotal')).toEqual(['0', '5']);
    await redis.del(key);
  });
});

describe('what one tick admits (admit_count)', () => {
  const admitCount = async (o: { budget: number; maxActive: number; active: number; waiting: number; maxBatch: number }) =>
    Number(await redis.eval(ADMIT_COUNT, 0, o.budget, o.maxActive, o.active, o.waiting, o.maxBatch));
  it('is bounded by budget, free slots, the line and the batch', async () => {
    expect(await admitCount({ budget: 10, maxActive: 100, active: 95, waiting: 50, maxBatch: 1000 })).toBe(5);
    expect(await admitCount({ budget: 3, maxActive: 100, active: 0, waiting: 50, maxBatch: 1000 })).toBe(3);
    expect(await admitCount({ budget: 10, maxActive: 100, active: 0, waiting: 2, maxBatch: 1000 })).toBe(2);
    expect(await admitCount({ budget: 10, maxActive: 100, active: 0, waiting: 50, maxBatch: 4 })).toBe(4);
    expect(await admitCount({ budget: 10, maxActive: 5, active: 8, waiting: 50, maxBatch: 1000 })).toBe(0);
  });
});

describe('measured rate (next_rate)', () => {
  const nextRate = async (previous: number | null, admitted: number) =>
    Number(await redis.eval(NEXT_RATE, 0, previous === null ? '' : previous, admitted));
  it('starts at the first sample and then moves 30 % toward each new one', async () => {
    expect(await nextRate(null, 20)).toBe(20);
    expect(await nextRate(20, 10)).toBeCloseTo(17);
  });
});
