import { availableParallelism } from 'node:os';
import { Admission, type OverloadMetrics } from '@concert/service-kit';
import { hashPassword, verifyPassword } from '../domain/password';

/**
 * Password hashing runs here and nowhere else: at most `concurrency` hashes at once (argon2 runs
 * on libuv's threads, off the event loop), a bounded queue whose wait is bounded by the request's
 * deadline, and at once a 503 OVERLOADED with Retry-After = the backlog's drain time beyond that.
 * Sized below the core count, so a login storm leaves CPU to holds and payments; a request whose
 * caller gave up leaves the queue without hashing.
 */
export interface PasswordPoolOptions {
  concurrency: number;
  maxWaitMs: number;
  metrics?: OverloadMetrics;
}

/** Default: one core less than the machine has (at least one), so hashing never takes them all. */
export const defaultHashConcurrency = () => Math.max(1, availableParallelism() - 1);

let pool = makePool({ concurrency: defaultHashConcurrency(), maxWaitMs: 3000 });

function makePool(o: PasswordPoolOptions): Admission {
  return new Admission({ kind: 'password-hash', limit: o.concurrency, maxQueue: 10_000, maxQueueDelayMs: o.maxWaitMs, initialServiceMs: 60, metrics: o.metrics });
}

export function configurePasswordPool(o: PasswordPoolOptions): void {
  pool = makePool(o);
}

export const pooledHash = (password: string) => pool.run(() => hashPassword(password));
export const pooledVerify = (password: string, stored: string) => pool.run(() => verifyPassword(password, stored));
/** Spare capacity right now (used to upgrade old hashes only when it costs nobody a wait). */
export const poolIsIdle = () => pool.running < pool.limit && pool.waiting === 0;
