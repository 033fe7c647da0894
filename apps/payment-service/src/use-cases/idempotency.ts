import { withTransaction } from '@concert/db';
import { tryLock } from '@concert/service-kit';
import { replayOf } from '../domain/idempotency';
import type { PaymentTx } from '../data-access/db';
import { claimKey, readKey, type KeyRef } from '../data-access/idempotency.repository';
import type { PaymentDeps } from './deps';

export interface Outcome {
  status: number;
  body: unknown;
  /** The balance the effect left, to refresh the cache once the transaction has committed. */
  balance?: { userId: string; balance: string; version: number };
}

/**
 * Runs `effect` at most once per (user, scope, key): the key row is inserted in the SAME
 * transaction as the effect, and the effect stores its response on that row in the statement
 * that makes its change (one round trip less), so a crash either leaves all or nothing.
 * Failures (4xx from the effect) roll back with it: the key stays free for a corrected retry.
 */
export async function idempotently(
  deps: PaymentDeps,
  ref: KeyRef,
  hash: string,
  effect: (tx: PaymentTx) => Promise<Outcome>,
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const result = await withTransaction(deps.db, async (tx) => {
    if (!(await claimKey(tx, ref, hash, deps.config.IDEMPOTENCY_WAIT_MS))) {
      const stored = await readKey(tx, ref);
      if (!stored) throw new Error('idempotency key claimed without a response'); // cannot commit that way
      return { ...replayOf(stored, hash), replayed: true as const };
    }
    const outcome = await effect(tx);
    return { ...outcome, replayed: false as const };
  });
  if (!result.replayed && result.balance) await refreshBalanceCache(deps, result.balance);
  return { status: result.status, body: result.body, replayed: result.replayed };
}

export async function refreshBalanceCache(deps: PaymentDeps, b: { userId: string; balance: string; version: number }) {
  try {
    await deps.cache.put(b.userId, b.balance, b.version);
  } catch (err) {
    deps.logger.warn({ err, userId: b.userId }, 'balance cache refresh failed; evicting');
    await deps.cache.evict(b.userId).catch(() => undefined);
  }
}

/**
 * Optional `lock:balance:{userId}`: concurrent requests of one user queue in Redis for a moment
 * instead of each holding a pool connection while waiting on the row lock. Never required for
 * correctness — after a short wait, or if Redis fails, the request goes on and SQL decides.
 */
export async function withBalanceLock<T>(deps: PaymentDeps, userId: string, fn: () => Promise<T>): Promise<T> {
  if (!deps.config.BALANCE_LOCK) return fn();
  let release: (() => Promise<void>) | null = null;
  try {
    for (let i = 0; i < 20 && !release; i++) {
      release = await tryLock(deps.redis, `lock:balance:${userId}`, 5000);
      if (!release) await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    }
  } catch (err) {
    deps.logger.warn({ err }, 'balance lock unavailable; relying on the database alone');
  }
  try {
    return await fn();
  } finally {
    await release?.().catch(() => undefined);
  }
}
