import { describe, expect, it } from 'vitest';
import { clockSkewMs, formatEta, formatRemaining, remaining, spokenRemaining } from './countdown';

describe('hold countdown', () => {
  const until = '2026-06-01T12:05:00.000Z';
  const t = (iso: string) => Date.parse(iso);
  it('counts down to reservedUntil and ends at zero', () => {
    expect(remaining(until, t('2026-06-01T12:00:00.000Z'))).toEqual({ ms: 300_000, expired: false });
    expect(remaining(until, t('2026-06-01T12:04:59.500Z'))).toEqual({ ms: 500, expired: false });
    expect(remaining(until, t('2026-06-01T12:05:00.000Z'))).toEqual({ ms: 0, expired: true });
    expect(remaining(until, t('2026-06-01T12:06:00.000Z'))).toEqual({ ms: 0, expired: true });
  });
  it('uses the server clock when the client clock is off', () => {
    // The client is 60 s behind the server: 12:03 on the client is 12:04 on the server.
    expect(remaining(until, t('2026-06-01T12:03:00.000Z'), 60_000).ms).toBe(60_000);
  });
  it('treats an unreadable deadline as expired', () => {
    expect(remaining('not a date', 0)).toEqual({ ms: 0, expired: true });
  });
  it('formats as the fan reads it, rounding up', () => {
    expect(formatRemaining(300_000)).toBe('5:00');
    expect(formatRemaining(299_001)).toBe('5:00');
    expect(formatRemaining(298_999)).toBe('4:59');
    expect(formatRemaining(9_000)).toBe('0:09');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(3_725_000)).toBe('1:02:05');
  });
  it('speaks the time left in words', () => {
    expect(spokenRemaining(125_000)).toBe('2 minutes 5 seconds left');
    expect(spokenRemaining(60_000)).toBe('1 minute left');
    expect(spokenRemaining(9_000)).toBe('9 seconds left');
    expect(spokenRemaining(0)).toBe('time is up');
  });
});

describe('clock skew from the Date header', () => {
  it('ignores what one-second resolution cannot tell', () => {
    const now = Date.parse('2026-06-01T12:00:00.700Z');
    expect(clockSkewMs('Mon, 01 Jun 2026 12:00:00 GMT', now)).toBe(0);
    expect(clockSkewMs('Mon, 01 Jun 2026 12:01:00 GMT', now)).toBe(59_300);
    expect(clockSkewMs(null, now)).toBe(0);
    expect(clockSkewMs('garbage', now)).toBe(0);
  });
});

describe('waiting-room ETA', () => {
  it('is calm and approximate', () => {
    expect(formatEta(0)).toBe('any moment now');
    expect(formatEta(45)).toBe('less than a minute');
    expect(formatEta(90)).toBe('about 2 minutes');
    expect(formatEta(60)).toBe('about 1 minute');
    expect(formatEta(3 * 3600 + 600)).toBe('about 3 h 10 min');
  });
});
