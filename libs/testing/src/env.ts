import pg from 'pg';

// Why: tests run against real servers on loopback, given by DATABASE_URL / REDIS_URL / KAFKA_BROKERS
// or the project's own infra scripts (no containers: a Docker-only path nobody ran was removed).
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/concert_test';
/**
 * Tests have their own Redis (started by the project's scripts: scripts/lib.sh, infra.sh up), so the
 * fault tests that restart it and the tests that flush it never touch a developer's Redis on 6379.
 */
export const TEST_REDIS_PORT = Number(process.env.TEST_REDIS_PORT || 6380);
// Why db 1: tests pair with database concert_test; e2e uses db 2.
const DEFAULT_REDIS_URL = `redis://127.0.0.1:${TEST_REDIS_PORT}/1`;
const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** A service's own tests play the gateway towards it, with this internal key. */
export const TEST_INTERNAL_KEY_GATEWAY = 'test-internal-key-gateway-0123456789abcdef';

/** The test database as a service's own role: each service owns its schema, as in production. */
export const serviceTestDatabaseUrl = (role: 'booking_svc' | 'payment_svc'): string =>
  `postgres://${role}:${role}@127.0.0.1:5432/concert_test`;

let postgresUrl: Promise<string> | undefined;

/** Database URL for tests; the database is created if it does not exist yet (memoized per process). */
export function testDatabaseUrl(): Promise<string> {
  postgresUrl ??= (async () => {
    const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    await ensureDatabase(url);
    return url;
  })();
  return postgresUrl;
}

export async function testRedisUrl(): Promise<string> {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

export async function testKafkaBrokers(): Promise<string[]> {
  return (process.env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim());
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
