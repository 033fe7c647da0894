import { createHash } from 'node:crypto';

// Why: the two-int form keeps our lock space apart from any single-bigint advisory locks a
// service may take itself; the namespace says what the lock guards.
export const LOCK_NAMESPACE = { migrations: 0x4d494752, outboxRelay: 0x4f555442 } as const;

/** [namespace, key] for pg_advisory_lock(int, int), key derived from a name. */
export function advisoryLockKey(namespace: number, name: string): [number, number] {
  return [namespace | 0, createHash('sha1').update(name).digest().readInt32BE(0)];
}
