import { expect } from 'vitest';
import { reconcile } from '@concert/ops';
import { describeOutcomes, type FanOutcome } from '@concert/testing';
import { E2E_DATABASE } from './platform';

/**
 * After a sale under a fault: some fans paid, never more than the seats, no seat twice, and the
 * reconciliation (ledgers, outboxes, confirmations) finds nothing wrong once things settle.
 */
export async function expectBooksBalance(outcomes: FanOutcome[], seats: number, settleMs = 60_000): Promise<void> {
  const summary = describeOutcomes(outcomes);
  console.info(`[sale] ${summary}`);
  const paid = outcomes.filter((o) => o.result === 'PAID');
  expect(paid.length, summary).toBeGreaterThan(0);
  expect(paid.length, summary).toBeLessThanOrEqual(seats);
  expect(new Set(paid.map((o) => o.seatNumber)).size, summary).toBe(paid.length);
  const report = await reconcile({ database: E2E_DATABASE, settleMs });
  expect(report.violations, summary).toEqual([]);
}
