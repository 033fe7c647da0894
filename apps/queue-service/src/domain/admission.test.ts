import { describe, expect, it } from 'vitest';
import { admitCount, nextRate, tickBudget, windowCap } from './admission';

describe('windowCap', () => {
  it('spreads the per-second budget over the ticks of the second', () => {
    // 50/s with 200 ms ticks: 10 per tick, cumulative 10, 20, ... 50
    expect([0, 200, 400, 600, 800].map((ms) => windowCap(50, ms, 200))).toEqual([10, 20, 30, 40, 50]);
  });
  it('rounds up so a slow rate still admits on the first tick of a second', () => {
    expect(windowCap(1, 0, 200)).toBe(1);
    expect(windowCap(3, 0, 200)).toBe(1);
    expect(windowCap(3, 250, 200)).toBe(2);
  });
  it('never exceeds admitPerSecond, however late the tick', () => {
    expect(windowCap(50, 990, 200)).toBe(50);
    expect(windowCap(7, 999, 1000)).toBe(7);
  });
});

describe('tickBudget', () => {
  it('subtracts what the window already admitted', () => {
    expect(tickBudget({ admitPerSecond: 50, admittedThisWindow: 15, msIntoWindow: 400, tickMs: 200 })).toBe(15);
  });
  it('is zero once the second is spent, never negative', () => {
    expect(tickBudget({ admitPerSecond: 5, admittedThisWindow: 5, msIntoWindow: 900, tickMs: 200 })).toBe(0);
    expect(tickBudget({ admitPerSecond: 5, admittedThisWindow: 4, msIntoWindow: 0, tickMs: 200 })).toBe(0);
  });
  it('lets the budget of one second be spent over all its ticks in total', () => {
    let admitted = 0;
    for (let ms = 0; ms < 1000; ms += 100) {
      admitted += tickBudget({ admitPerSecond: 37, admittedThisWindow: admitted, msIntoWindow: ms, tickMs: 100 });
    }
    expect(admitted).toBe(37);
  });
});

describe('admitCount', () => {
  it('is bounded by budget, free slots, the line and the batch', () => {
    expect(admitCount({ budget: 10, maxActive: 100, active: 95, waiting: 50, maxBatch: 1000 })).toBe(5);
    expect(admitCount({ budget: 3, maxActive: 100, active: 0, waiting: 50, maxBatch: 1000 })).toBe(3);
    expect(admitCount({ budget: 10, maxActive: 100, active: 0, waiting: 2, maxBatch: 1000 })).toBe(2);
    expect(admitCount({ budget: 10, maxActive: 100, active: 0, waiting: 50, maxBatch: 4 })).toBe(4);
    expect(admitCount({ budget: 10, maxActive: 5, active: 8, waiting: 50, maxBatch: 1000 })).toBe(0);
  });
});

describe('nextRate', () => {
  it('starts at the first sample and then moves 30 % toward each new one', () => {
    expect(nextRate(null, 20)).toBe(20);
    expect(nextRate(20, 10)).toBeCloseTo(17);
  });
});
