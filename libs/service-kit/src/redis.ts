import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/;

/** Seed nodes and credentials of a `redis+cluster://[user:pass@]host:port,host:port` URL, or null. */
export function parseClusterUrl(url: string): { nodes: Array<{ host: string; port: number }>; tls: boolean; username?: string; password?: string } | null {
  const m = CLUSTER_URL.exec(url.trim());
  if (!m) {
    if (/^rediss?\+cluster:/.test(url)) throw new Error(`bad Redis Cluster URL ${url}: expected redis+cluster://host:port,host:port (a cluster has only db 0)`);
    return null;
  }
  const [, scheme, user, pass, hosts] = m as unknown as [string, string, string | undefined, string | undefined, string];
  const nodes = hosts.split(',').map((h) => {
    const [host, port] = h.trim().split(':');
    if (!host || !port || !/^\d+$/.test(port)) throw new Error(`bad node "${h}" in Redis Cluster URL`);
    return { host, port: Number(port) };
  });
  return {
    nodes,
    tls: scheme === 'rediss',
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
  };
}

// Options that ioredis reads on the Cluster itself rather than on each node's connection.
const CLUSTER_LEVEL = ['enableAutoPipelining', 'enableOfflineQueue', 'enableReadyCheck', 'lazyConnect'] as const;

/**
 * The services' Redis client, chosen by REDIS_URL alone: `redis://host:port/db` is one server,
 * `redis+cluster://host:port,host:port,...` a Redis Cluster (seed nodes; ioredis discovers the
 * rest and follows MOVED/ASK). The services run unchanged on both because every call that
 * names several keys keeps them in one slot (hash tags) or goes key by key (`deleteKeys`).
 *
 * Typed as `Redis`: ioredis' Cluster implements the same command interface (both extend its
 * Commander), and the services only use that interface, so one type keeps every caller as is.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const cluster = parseClusterUrl(url);
  if (!cluster) return new Redis(url, options);
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...options,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
    // A failover or resharding answers MOVED/CLUSTERDOWN for a moment: retry briefly, then fail.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    maxRedirections: 16,
  };
  for (const k of CLUSTER_LEVEL) {
    if (options[k] !== undefined) (clusterOptions as Record<string, unknown>)[k] = options[k];
  }
  return new Cluster(cluster.nodes, clusterOptions) as unknown as Redis;
}

/**
 * DEL of keys that may live in different slots: one command on a single server, key by key on
 * a cluster (where a multi-key DEL across slots fails with CROSSSLOT). Returns how many existed.
 */
export async function deleteKeys(redis: Redis, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  if (!redis.isCluster) return redis.del(...keys);
  const counts = await Promise.all(keys.map((k) => redis.del(k)));
  return counts.reduce((a, b) => a + b, 0);
}
