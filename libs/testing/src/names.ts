import { randomBytes } from 'node:crypto';

/** Lower-case, [a-z0-9_] only: valid as a Postgres identifier, a Kafka topic and a Redis key part. */
export function uniqueName(prefix: string): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${safe}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
