import { createHash } from 'node:crypto';
import { DomainError } from '@concert/contracts';

export type IdempotencyScope = 'charge' | 'payment';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** Fingerprint of what the request asks for (after normalisation), so "1000" and "1000.00" match. */
export function requestHash(scope: IdempotencyScope, request: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(request).sort().map((k) => [k, request[k]]));
  return createHash('sha256').update(`${scope}\n${canonical}`).digest('hex');
}

/** Same key, same request: the first response again. Same key, another request: refused. */
export function replayOf(stored: StoredResponse, hash: string): { status: number; body: unknown } {
  if (stored.requestHash !== hash) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
  }
  return { status: stored.status, body: stored.body };
}
