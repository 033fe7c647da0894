/**
 * Broker answers that no retry can change: the message itself is refused. Anything else (the
 * broker unreachable, a timeout, no leader, an unknown topic that may yet be created, a missing
 * permission an operator may grant, or a client-side exception, which kafkajs can throw while a
 * broker goes away) is worth retrying, however long it lasts.
 */
const REFUSED_FOREVER = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TOPIC_EXCEPTION']);

/** True when publishing `err`'s message can never succeed (the outbox may mark it DEAD). */
export function isUnpublishable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    const x = e as { type?: unknown; name?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof x.type === 'string' && REFUSED_FOREVER.has(x.type)) return true;
    const nested = [x.cause, x.originalError, ...(Array.isArray(x.errors) ? x.errors : [])];
    return nested.some((n) => walk(n, depth + 1));
  };
  return walk(err, 0);
}

const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
]);

/** The broker could not be reached at all (as opposed to refusing one topic or message). */
export function isBrokerUnreachable(err: unknown): boolean {
  for (let e = err as { name?: unknown; code?: unknown; cause?: unknown } | undefined, i = 0; e && typeof e === 'object' && i < 6; i++) {
    if (typeof e.name === 'string' && UNREACHABLE.has(e.name)) return true;
    if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return true;
    e = e.cause as typeof e;
  }
  return false;
}
