/**
 * The per-second admission budget, spread over the ticks of that second so a whole second's
 * budget is not let in by the first tick (a burst on booking-service every second).
 *
 * Windows are aligned to whole seconds of the Redis clock. By the time `msIntoWindow + tickMs`
 * has passed, at most that fraction of `admitPerSecond` may have been admitted (rounded up, so a
 * rate of 1/s still admits on the first tick). The Lua scripts (data-access/lua/prelude.ts)
 * implement the same formula; this copy is what the unit tests pin down.
 */
export function windowCap(admitPerSecond: number, msIntoWindow: number, tickMs: number): number {
  const elapsed = Math.min(1000, msIntoWindow + tickMs);
  return Math.min(admitPerSecond, Math.ceil((admitPerSecond * elapsed) / 1000));
}

/** How many may be admitted now, given how many this window already admitted. */
export function tickBudget(input: {
  admitPerSecond: number;
  admittedThisWindow: number;
  msIntoWindow: number;
  tickMs: number;
}): number {
  return Math.max(0, windowCap(input.admitPerSecond, input.msIntoWindow, input.tickMs) - input.admittedThisWindow);
}

/** What one tick admits: bounded by the budget, the free active slots and the waiting line. */
export function admitCount(input: { budget: number; maxActive: number; active: number; waiting: number; maxBatch: number }): number {
  return Math.max(0, Math.min(input.budget, input.maxActive - input.active, input.waiting, input.maxBatch));
}

/**
 * The measured admission rate (admissions per second) is an exponentially weighted average of
 * the windows in which someone was left waiting: windows without a backlog measure demand, not
 * the queue's throughput, and would make the ETA optimistic.
 */
export const RATE_WEIGHT = 0.3;
export function nextRate(previous: number | null, admittedInWindow: number): number {
  return previous === null ? admittedInWindow : (1 - RATE_WEIGHT) * previous + RATE_WEIGHT * admittedInWindow;
}
