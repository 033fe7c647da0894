import type { ReadinessCheck } from './http-app';

/** Readiness checks every service shares: its dependencies answer, its consumer runs. */
export const postgresReady =
  (pool: { query(sql: string): Promise<unknown> }): ReadinessCheck =>
  async () => {
    await pool.query('select 1');
  };

export const redisReady =
  (redis: { ping(): Promise<unknown> }): ReadinessCheck =>
  async () => {
    await redis.ping();
  };

export const consumerReady =
  (subscriber: { healthy(): boolean }): ReadinessCheck =>
  async () => {
    if (!subscriber.healthy()) throw new Error('Kafka consumer is not in its group');
  };

/** The checks of a service with a Redis, a Kafka consumer and (if it owns a schema) a Postgres pool. */
export function dependencyReadiness(deps: {
  pool?: { query(sql: string): Promise<unknown> };
  redis: { ping(): Promise<unknown> };
  subscriber: { healthy(): boolean };
}): Record<string, ReadinessCheck> {
  return {
    ...(deps.pool ? { postgres: postgresReady(deps.pool) } : {}),
    redis: redisReady(deps.redis),
    kafka: consumerReady(deps.subscriber),
  };
}
