import { serviceTokenSource } from '@concert/service-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { INTERNAL_TOKEN_HEADER, type QueueEntry, type QueueStats } from '@concert/contracts';
import { TEST_INTERNAL_KEY_GATEWAY, testKafkaBrokers, testRedisUrl, uniqueName } from '@concert/testing';
import { QueueServiceConfig } from '../src/config';
import { start, type StartedQueueService } from '../src/start';

export const internalToken = serviceTokenSource('gateway', TEST_INTERNAL_KEY_GATEWAY, 'queue-service');

/** One namespace (Redis key prefix, topic prefix, group) shared by the instances of one test. */
export function namespace() {
  const id = uniqueName('q');
  return { keyPrefix: `${id}:`, topicPrefix: `${id}.`, groupId: `${id}-queue` };
}

export async function startQueue(ns: ReturnType<typeof namespace>, env: Record<string, string> = {}) {
  const config = QueueServiceConfig.parse({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY,
    REDIS_URL: await testRedisUrl(),
    KAFKA_BROKERS: (await testKafkaBrokers()).join(','),
    REDIS_KEY_PREFIX: ns.keyPrefix,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    KAFKA_GROUP_ID: ns.groupId,
    KAFKA_FROM_BEGINNING: 'true',
    ...env,
  });
  const svc: StartedQueueService = await start(config);
  return { ...svc, client: client(`http://127.0.0.1:${svc.port}`) };
}

export function client(base: string) {
  async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { [INTERNAL_TOKEN_HEADER]: token ?? (await internalToken()), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
  return {
    call,
    base,
    enqueue: (concertId: string, userId: string) => call<QueueEntry>('POST', `/internal/queues/${concertId}/entries`, { userId }),
    status: (concertId: string, userId: string) => call<QueueEntry>('GET', `/internal/queues/${concertId}/entries/${userId}`),
    leave: (concertId: string, userId: string) => call<undefined>('DELETE', `/internal/queues/${concertId}/entries/${userId}`),
    complete: (concertId: string, userId: string) =>
      call<undefined>('POST', `/internal/queues/${concertId}/entries/${userId}/complete`),
    policy: (concertId: string, p: unknown) => call<QueueStats>('PUT', `/internal/queues/${concertId}/policy`, p),
    stats: (concertId: string) => call<QueueStats>('GET', `/internal/queues/${concertId}/stats`),
  };
}
export type Client = ReturnType<typeof client>;

export const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

/** Runs `round` repeatedly in the background (a fan's browser polling) until stop() is awaited. */
export function background(round: () => Promise<void>, pauseMs: number) {
  let running = true;
  let rounds = 0;
  const loop = (async () => {
    while (running) {
      await round();
      rounds++;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  // Surface a failure at stop() rather than as an unhandled rejection.
  loop.catch(() => undefined);
  return {
    get rounds() {
      return rounds;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Deletes the namespace's Redis keys (the lease included) once a test file is done. */
export async function dropNamespace(ns: ReturnType<typeof namespace>): Promise<void> {
  const redis = new Redis(await testRedisUrl());
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/**
 * One queue-service in its own namespace for the enclosing describe/file: started before its
 * tests, stopped and its keys dropped after. Read `.svc` inside tests.
 */
export function useQueue(env: Record<string, string> = {}) {
  const ns = namespace();
  const ref = { ns, svc: undefined as unknown as Awaited<ReturnType<typeof startQueue>> };
  beforeAll(async () => {
    ref.svc = await startQueue(ns, env);
  });
  afterAll(async () => {
    await ref.svc?.stop();
    await dropNamespace(ns);
  });
  return ref;
}
