import { describe, expect, it } from 'vitest';
import { QueueEntry } from '@concert/contracts';
import { toQueueEntry, type EntryState } from './queue-entry';

const c = '7b0e6c1e-2f4a-4c1d-9a55-0d4b7c1e2f01';
const u = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const s: EntryState = {
  status: 'WAITING',
  position: 3,
  activeUntilMs: null,
  created: true,
  admitPerSecond: 1,
  maxActive: 10,
  activeTtlSeconds: 60,
  active: 0,
  measuredRate: null,
};

describe('toQueueEntry', () => {
  it('maps a waiting fan with an ETA and the created flag', () => {
    const e = toQueueEntry(c, u, s, true);
    expect(QueueEntry.parse(e)).toEqual({ concertId: c, userId: u, status: 'WAITING', position: 3, estimatedWaitSeconds: 3, activeUntil: null, created: true });
  });
  it('maps an active fan to position 0, no wait and an ISO activeUntil', () => {
    const e = toQueueEntry(c, u, { ...s, status: 'ACTIVE', position: 0, activeUntilMs: Date.UTC(2026, 0, 1) }, false);
    expect(QueueEntry.parse(e)).toEqual({ concertId: c, userId: u, status: 'ACTIVE', position: 0, estimatedWaitSeconds: 0, activeUntil: '2026-01-01T00:00:00.000Z' });
  });
  it('maps an expired fan without position or time', () => {
    const e = toQueueEntry(c, u, { ...s, status: 'EXPIRED', position: 0 }, false);
    expect(e).toMatchObject({ status: 'EXPIRED', position: 0, estimatedWaitSeconds: 0, activeUntil: null });
  });
});
