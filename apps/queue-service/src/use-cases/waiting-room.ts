import type { PaymentCompletedV1, QueueEntry, QueuePolicy, QueueStats } from '@concert/contracts';
import { toQueueEntry } from '../domain/queue-entry';
import type { QueueDeps } from './deps';

/** Joins the line (or gets one's place back); created = a new place. */
export async function enqueue(d: QueueDeps, concertId: string, userId: string): Promise<QueueEntry & { created?: boolean }> {
  const state = await d.repo.enqueue(concertId, userId);
  if (state.pruned) d.metrics.expired.inc(state.pruned);
  if (state.created && state.status === 'ACTIVE') d.metrics.admitted.inc();
  return toQueueEntry(concertId, userId, state, true);
}

export async function entryStatus(d: QueueDeps, concertId: string, userId: string): Promise<QueueEntry> {
  const state = await d.repo.status(concertId, userId);
  if (state.pruned) d.metrics.expired.inc(state.pruned);
  return toQueueEntry(concertId, userId, state, false);
}

export async function leave(d: QueueDeps, concertId: string, userId: string): Promise<void> {
  await d.repo.leave(concertId, userId);
}

/** Ends an active slot (the fan paid): the next tick hands it to the next fan. */
export async function completeSlot(d: QueueDeps, concertId: string, userId: string, paidAtMs?: number) {
  const outcome = await d.repo.complete(concertId, userId, paidAtMs);
  if (outcome === 'completed') d.metrics.completed.inc();
  return outcome;
}

/**
 * payment-completed ends the payer's active slot at once. Idempotent without an inbox: ending a
 * slot twice is a no-op, and a slot admitted after the payment (the fan queued again) is kept,
 * so a redelivered event cannot end a later visit.
 */
export async function completeSlotOfPayment(d: QueueDeps, event: PaymentCompletedV1): Promise<void> {
  const { eventId, payload } = event;
  const outcome = await completeSlot(d, payload.concertId.toLowerCase(), payload.userId.toLowerCase(), Date.parse(payload.paidAt));
  d.logger.info({ eventId, concertId: payload.concertId, userId: payload.userId, outcome }, 'payment-completed handled');
}

export async function setPolicy(d: QueueDeps, concertId: string, policy: QueuePolicy): Promise<QueueStats> {
  await d.repo.setPolicy(concertId, policy);
  return d.repo.stats(concertId);
}

export const stats = (d: QueueDeps, concertId: string): Promise<QueueStats> => d.repo.stats(concertId);
