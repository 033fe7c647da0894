import { describe, expect, it } from 'vitest';
import { BUSY_RETRY, canRetry, isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jun 2026 12:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Mon, 01 Jun 2026 11:59:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('never waits less than Retry-After, and jitter only adds', () => {
    expect(retryDelayMs(1, 2, BUSY_RETRY, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 2, BUSY_RETRY, () => 1)).toBe(2400);
    expect(retryDelayMs(5, 2, BUSY_RETRY, () => 0)).toBe(2000);
  });
  it('backs off exponentially without Retry-After, capped', () => {
    const p = { ...BUSY_RETRY, jitter: 0 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, undefined, p))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(20, undefined, p)).toBe(p.maxDelayMs);
    expect(retryDelayMs(1, 3600, p)).toBe(p.maxDelayMs);
  });
  it('retries busy statuses only, a bounded number of times', () => {
    expect([503, 502, 504].every(isRetryableStatus)).toBe(true);
    expect([500, 429, 409, 400].some(isRetryableStatus)).toBe(false);
    expect(canRetry(BUSY_RETRY.maxRetries - 1, BUSY_RETRY)).toBe(true);
    expect(canRetry(BUSY_RETRY.maxRetries, BUSY_RETRY)).toBe(false);
  });
});
