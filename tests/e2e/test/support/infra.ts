import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { TEST_REDIS_PORT } from '@concert/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');

/** Drives the real brokers through the project's own infra scripts (the same an operator uses). */
export async function infra(
  script: 'kafka.sh' | 'redis.sh' | 'postgres.sh',
  action: 'start' | 'stop' | 'restart' | 'halt',
): Promise<void> {
  // Redis: the tests' own (TEST_REDIS_PORT), never the developer's on 6379.
  const env = script === 'redis.sh' ? { ...process.env, REDIS_PORT: String(TEST_REDIS_PORT) } : process.env;
  await run('bash', [resolve(ROOT, 'infra/scripts', script), action], { cwd: ROOT, timeout: 120_000, env });
}
