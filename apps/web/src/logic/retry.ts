/**
 * When to try again after a refusal. The platform answers 429 (this client is too fast) and 503
 * (the platform is busy) with `Retry-After`; a refused request wrote nothing, so resending it
 * (with the same idempotency key) is safe. We wait at least what the server asked, plus a little
 * jitter so thousands of fans refused together do not come back in the same millisecond.
 */

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  // An HTTP date names its day and month; anything else (e.g. "-1", which Date.parse takes as a year) is noise.
  if (!/^[A-Za-z]{3}, /.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Wait when the server gave no Retry-After (doubles per attempt). */
  baseDelayMs: number;
  /** Never wait longer than this for one retry. */
  maxDelayMs: number;
  /** Up to this fraction added at random, e.g. 0.2 = +0..20 %. */
  jitter: number;
}

export const BUSY_RETRY: RetryPolicy = { maxRetries: 8, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 };

/** Statuses the client retries by itself: the platform busy (503) or a gateway in front of it timing out. */
export function isRetryableStatus(status: number): boolean {
  return status === 503 || status === 502 || status === 504;
}

/**
 * Delay before retry number `attempt` (1-based). Honours the server's Retry-After as a floor;
 * otherwise exponential backoff from baseDelayMs. `random` is injectable for tests.
 */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | undefined, policy: RetryPolicy, random: () => number = Math.random): number {
  const floor = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(Math.max(floor, 0), policy.maxDelayMs);
  // Jitter only ever adds: waiting less than Retry-After would be refused again.
  return Math.round(capped * (1 + policy.jitter * random()));
}

/** Whether one more retry is allowed after `attempt` retries already made. */
export function canRetry(attempt: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxRetries;
}
