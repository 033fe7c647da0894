import { describe, expect, it } from 'vitest';
import { addSample, admissionRate } from './admission-rate';
import { MAX_POLL_MS, MIN_POLL_MS, nextPollMs, queueProgress } from './queue-pace';

describe('waiting-room poll pace', () => {
  it("follows the API's suggestion when it gives one", () => {
    expect(nextPollMs({ status: 'WAITING', position: 900, estimatedWaitSeconds: 600 }, 3)).toBe(3000);
    expect(nextPollMs({ status: 'WAITING', position: 1, estimatedWaitSeconds: 0 }, 0)).toBe(MIN_POLL_MS);
  });
  it('polls each second near the front and calmly far back', () => {
    expect(nextPollMs({ status: 'WAITING', position: 3, estimatedWaitSeconds: 2 }, undefined)).toBe(MIN_POLL_MS);
    expect(nextPollMs({ status: 'WAITING', position: 300, estimatedWaitSeconds: 60 }, undefined)).toBe(6000);
    expect(nextPollMs({ status: 'WAITING', position: 9000, estimatedWaitSeconds: 3600 }, undefined)).toBe(MAX_POLL_MS);
  });
  it('measures progress from the first position seen', () => {
    expect(queueProgress(10, 10, 'WAITING')).toBe(0);
    expect(queueProgress(10, 5, 'WAITING')).toBe(0.5);
    expect(queueProgress(10, 1, 'ACTIVE')).toBe(1);
    expect(queueProgress(0, 0, 'WAITING')).toBe(0);
  });
});

describe('admission rate', () => {
  it('is admissions per second over the window', () => {
    let s = addSample([], { at: 0, admittedTotal: 0 }, 10_000);
    expect(admissionRate(s)).toBeUndefined();
    s = addSample(s, { at: 1000, admittedTotal: 5 }, 10_000);
    s = addSample(s, { at: 2000, admittedTotal: 10 }, 10_000);
    expect(admissionRate(s)).toBe(5);
    s = addSample(s, { at: 12_500, admittedTotal: 10 }, 10_000);
    // Readings older than the window are dropped.
    expect(s.map((x) => x.at)).toEqual([12_500]);
  });
  it('starts afresh when the counter goes down', () => {
    const s = addSample([{ at: 0, admittedTotal: 50 }], { at: 1000, admittedTotal: 3 }, 10_000);
    expect(s).toEqual([{ at: 1000, admittedTotal: 3 }]);
  });
});
