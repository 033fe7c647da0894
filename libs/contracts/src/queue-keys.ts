/**
 * queue-service's Redis key layout for one concert's waiting room. queue-service alone writes
 * these keys. The gateway reads one of them, the active ZSET (member → slot expiry, epoch ms),
 * to answer an admitted fan without a hop; see the gateway's data-access/queue-reader.ts.
 * Every key of a concert carries the `{concertId}` hash tag (one Redis Cluster slot); ids are
 * lower-case, as queue-service stores them; `prefix` is empty in production.
 */
export const queueKeyBase = (prefix: string, concertId: string) => `${prefix}queue:{${concertId.toLowerCase()}}`;
export const queueActiveKey = (prefix: string, concertId: string) => `${queueKeyBase(prefix, concertId)}:active`;
