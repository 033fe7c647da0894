import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');

/** Drives the real brokers through the project's own infra scripts (the same an operator uses). */
export async function infra(script: 'kafka.sh' | 'redis.sh', action: 'start' | 'stop' | 'restart'): Promise<void> {
  await run('bash', [resolve(ROOT, 'infra/scripts', script), action], { cwd: ROOT, timeout: 120_000 });
}
