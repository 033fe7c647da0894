import { describe, expect, it } from 'vitest';
import { estimateWaitSeconds } from './eta';

const base = { measuredRate: null, admitPerSecond: 10, maxActive: 100, active: 0, activeTtlSeconds: 600 };

describe('estimateWaitSeconds', () => {
  it('is 0 for a fan not waiting', () => {
    expect(estimateWaitSeconds({ ...base, position: 0 })).toBe(0);
  });
  it('uses admitPerSecond while there are free slots', () => {
    expect(estimateWaitSeconds({ ...base, position: 1 })).toBe(1);
    expect(estimateWaitSeconds({ ...base, position: 45 })).toBe(5);
  });
  it('beyond the free slots, waits for slots to turn over (maxActive / TTL)', () => {
    // 100 free slots at 10/s = 10 s, then 50 more at 100/600 per second = 300 s
    expect(estimateWaitSeconds({ ...base, position: 150 })).toBe(310);
    // all slots taken: 60 fans at 1/6 per second
    expect(estimateWaitSeconds({ ...base, active: 100, position: 60 })).toBe(360);
  });
  it('prefers the measured rate, clamped between the turnover floor and admitPerSecond', () => {
    expect(estimateWaitSeconds({ ...base, measuredRate: 5, position: 50 })).toBe(10);
    expect(estimateWaitSeconds({ ...base, measuredRate: 500, position: 50 })).toBe(5);
    expect(estimateWaitSeconds({ ...base, measuredRate: 0, position: 50 })).toBe(300);
  });
  it('grows with the position', () => {
    let last = 0;
    for (let p = 1; p <= 500; p++) {
      const eta = estimateWaitSeconds({ ...base, active: 40, position: p });
      expect(eta).toBeGreaterThanOrEqual(last);
      last = eta;
    }
  });
});
