import { resolve } from 'node:path';
import type { z } from 'zod';

export const ROOT = resolve(__dirname, '../..');

/** The four services, their listen port and the zod schema each validates its env with. */
export const SERVICES = {
  gateway: { port: 8080, config: ['apps/gateway/src/config.ts', 'GatewayConfig'] },
  'queue-service': { port: 8081, config: ['apps/queue-service/src/config.ts', 'QueueServiceConfig'] },
  'booking-service': { port: 8082, config: ['apps/booking-service/src/config.ts', 'BookingConfig'] },
  'payment-service': { port: 8083, config: ['apps/payment-service/src/config.ts', 'PaymentConfig'] },
} as const;
export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Env read by the image itself (entrypoint, healthcheck), not by a service's schema. */
export const IMAGE_ENV = new Set(['APP', 'SECRETS_ENV_FILE']);

/**
 * The service's own config schema. Loaded by path at run time: this project checks the apps
 * from outside, as a deployment does, and must not depend on them at build time.
 */
export async function configSchema(service: ServiceName): Promise<z.ZodObject> {
  const [file, name] = SERVICES[service].config;
  const mod = (await import(resolve(ROOT, file))) as Record<string, z.ZodObject>;
  const schema = mod[name];
  if (!schema) throw new Error(`${file} exports no ${name}`);
  return schema;
}

/** Env keys the schema does not know: a typo there would be silently ignored by the service. */
export async function unknownKeys(service: ServiceName, env: Record<string, string>): Promise<string[]> {
  const known = new Set(Object.keys((await configSchema(service)).shape));
  return Object.keys(env).filter((k) => !known.has(k) && !IMAGE_ENV.has(k));
}

/** The schema's verdict on the env; the message lists every refused key. */
export async function parseIssues(service: ServiceName, env: Record<string, string>): Promise<string[]> {
  const parsed = (await configSchema(service)).safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** KEY="value" lines, as `ops secrets` writes them. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i), l.slice(i + 1).replace(/^"(.*)"$/, '$1')];
      }),
  );
}
