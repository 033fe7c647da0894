/**
 * How often the waiting room asks for its status. The API suggests the pace with `Retry-After`
 * (or a `pollAfterSeconds` field) when it has an opinion; otherwise we poll about once a second
 * near the front and more calmly far back, always well inside the queue's idle eviction (60 s).
 */
import type { QueueStatus } from '@concert/contracts';

export interface QueueView {
  status: QueueStatus;
  position: number;
  estimatedWaitSeconds: number;
}

export const MIN_POLL_MS = 1000;
export const MAX_POLL_MS = 10_000;

export function nextPollMs(view: QueueView, suggestedSeconds: number | undefined): number {
  if (suggestedSeconds !== undefined && suggestedSeconds >= 0) return clamp(suggestedSeconds * 1000, MIN_POLL_MS, 30_000);
  if (view.status !== 'WAITING') return MIN_POLL_MS;
  // A tenth of the expected wait: a fan 5 minutes back asks every 10 s, one near the front every second.
  return clamp(Math.round((view.estimatedWaitSeconds * 1000) / 10), MIN_POLL_MS, MAX_POLL_MS);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Progress through the queue for a calm progress bar: 0 at the first position seen, 1 when admitted. */
export function queueProgress(firstPosition: number, position: number, status: QueueView['status']): number {
  if (status === 'ACTIVE') return 1;
  if (firstPosition <= 0) return 0;
  return clamp((firstPosition - position) / firstPosition, 0, 1);
}
