import { existsSync } from 'node:fs';
import pg from 'pg';

// Why: local dev and CI run real servers on loopback; containers are only a fallback for a
// machine that has Docker but was given no URLs. Memoized per process (vitest fork).
const DOCKER_SOCKET = '/var/run/docker.sock';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/concert_test';
// Why db 1: tests pair with database concert_test; the dev platform (concert) uses db 0, so caches never mix.
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/1';
const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

interface Stoppable {
  stop(): Promise<unknown>;
}
const started: Stoppable[] = [];
let postgresUrl: Promise<string> | undefined;
let redisUrl: Promise<string> | undefined;
let kafkaBrokers: Promise<string[]> | undefined;

function useContainers(...envNames: string[]): boolean {
  const noneGiven = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'].every((n) => !process.env[n]);
  return noneGiven && envNames.every((n) => !process.env[n]) && existsSync(DOCKER_SOCKET);
}

/** Database URL for tests; the database is created if it does not exist yet. */
export function testDatabaseUrl(): Promise<string> {
  postgresUrl ??= (async () => {
    if (useContainers('DATABASE_URL')) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const c = await new PostgreSqlContainer('postgres:17-alpine').withDatabase('concert_test').start();
      started.push(c);
      return c.getConnectionUri();
    }
    const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    await ensureDatabase(url);
    return url;
  })();
  return postgresUrl;
}

export function testRedisUrl(): Promise<string> {
  redisUrl ??= (async () => {
    if (useContainers('REDIS_URL')) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const c = await new RedisContainer('redis:7-alpine').start();
      started.push(c);
      return c.getConnectionUrl();
    }
    return process.env.REDIS_URL || DEFAULT_REDIS_URL;
  })();
  return redisUrl;
}

export function testKafkaBrokers(): Promise<string[]> {
  kafkaBrokers ??= (async () => {
    if (useContainers('KAFKA_BROKERS')) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const c = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      started.push(c);
      return [`${c.getHost()}:${c.getMappedPort(9093)}`];
    }
    return (process.env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim());
  })();
  return kafkaBrokers;
}

/** Stops containers this process started (none when real servers are used). */
export async function stopTestContainers(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.stop()));
}

/** CREATE DATABASE if missing; parallel test processes may race, which is fine. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  if (!dbName) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}
