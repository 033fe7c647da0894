import type { QueueEntry, QueueStatus } from '@concert/contracts';
import { estimateWaitSeconds } from './eta';

/** What the enqueue and status scripts report about one fan, with the inputs of the ETA. */
export interface EntryState {
  status: QueueStatus;
  position: number;
  activeUntilMs: number | null;
  created: boolean;
  admitPerSecond: number;
  maxActive: number;
  activeTtlSeconds: number;
  active: number;
  measuredRate: number | null;
}

export function toQueueEntry(concertId: string, userId: string, s: EntryState, withCreated: boolean): QueueEntry {
  const entry: QueueEntry = {
    concertId,
    userId,
    status: s.status,
    position: s.status === 'WAITING' ? s.position : 0,
    estimatedWaitSeconds: s.status === 'WAITING' ? estimateWaitSeconds(s) : 0,
    activeUntil: s.status === 'ACTIVE' && s.activeUntilMs !== null ? new Date(s.activeUntilMs).toISOString() : null,
  };
  if (withCreated) entry.created = s.created;
  return entry;
}
