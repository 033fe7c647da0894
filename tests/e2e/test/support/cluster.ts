import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');
const SCRIPTS = resolve(ROOT, 'infra/scripts');

const sh = async (script: string, args: string[], timeoutMs = 120_000) =>
  (await run('bash', [resolve(SCRIPTS, script), ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 4 << 20 })).stdout;

export interface ClusterEndpoints {
  /** KAFKA_BROKERS of the 3-node Kafka. */
  brokers: string;
  /** REDIS_URL (redis+cluster://) of the 3-master Redis Cluster. */
  redisUrl: string;
}

/** The endpoints as the infra scripts define them (one source of truth for the ports). */
export async function clusterEndpoints(): Promise<ClusterEndpoints> {
  const { stdout } = await run('bash', ['-c', `source "${SCRIPTS}/lib.sh"; kafka_cluster_brokers; redis_cluster_url`]);
  const [brokers, redisUrl] = stdout.trim().split('\n');
  return { brokers: brokers!, redisUrl: redisUrl! };
}

/**
 * Starts the clustered engines with `infra.sh up --cluster` unless they already run; returns
 * whether this call started them (then the caller stops them again, freeing three JVMs).
 */
export async function ensureCluster(): Promise<boolean> {
  const up = await sh('infra.sh', ['status', '--cluster']).then(
    () => true,
    () => false,
  );
  if (up) return false;
  await sh('infra.sh', ['up', '--cluster'], 540_000);
  return true;
}

export const clusterDown = () => sh('infra.sh', ['down', '--cluster'], 180_000);
export const flushRedisCluster = () => sh('redis.sh', ['cluster', 'flush']);
export const killKafkaNode = (node: number) => sh('kafka.sh', ['cluster', 'kill', String(node)]);
export const startKafkaNode = (node: number) => sh('kafka.sh', ['cluster', 'start', String(node)], 240_000);
