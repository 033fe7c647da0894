import type { Logger } from './logger';
import { MIN_INTERNAL_KEY_LENGTH } from './internal-auth';

/**
 * Development defaults that let `npm start` and the tests run with no setup. Production refuses
 * every one of them (checkSecrets): they are in the repository, so they are nobody's secret.
 */
export const DEV_INTERNAL_KEYS = {
  INTERNAL_KEY_GATEWAY: 'dev-internal-key-gateway-change-me',
  INTERNAL_KEY_PAYMENT: 'dev-internal-key-payment-change-me',
} as const;

export interface SecretProblem {
  name: string;
  /** Why it would not do in production. */
  reason: string;
}

/** A configured internal key: missing, a known default or too short is a problem. */
export function internalKeyProblem(name: string, value: string | undefined): SecretProblem | undefined {
  if (!value) return { name, reason: 'missing' };
  if (Object.values(DEV_INTERNAL_KEYS).includes(value as never)) return { name, reason: 'is the development default' };
  if (value.length < MIN_INTERNAL_KEY_LENGTH) return { name, reason: `shorter than ${MIN_INTERNAL_KEY_LENGTH} characters` };
  return undefined;
}

/**
 * In production a default, short or missing secret stops the service at start-up; anywhere else
 * the service runs with it and says so loudly, once per secret, at warn level.
 */
export function checkSecrets(nodeEnv: string, problems: (SecretProblem | undefined)[], logger: Logger): void {
  const found = problems.filter((p): p is SecretProblem => p !== undefined);
  if (found.length === 0) return;
  if (nodeEnv === 'production') {
    throw new Error(`Refusing to start in production with unsafe secrets:\n${found.map((p) => `  ${p.name}: ${p.reason}`).join('\n')}`);
  }
  for (const p of found) logger.warn({ secret: p.name, reason: p.reason }, `INSECURE DEFAULT: ${p.name} ${p.reason}; fine for development, refused when NODE_ENV=production`);
}

/** The first admin's password of `npm start` (tools/platform): printed on every start, so public. */
export const DEMO_ADMIN_PASSWORD = 'admin-password-123';
const MIN_ADMIN_PASSWORD_LENGTH = 12;

/** ADMIN_PASSWORD is optional (no first admin), but when set it must not be the demo one or short. */
export function adminPasswordProblem(value: string | undefined): SecretProblem | undefined {
  if (value === undefined) return undefined;
  if (value === DEMO_ADMIN_PASSWORD) return { name: 'ADMIN_PASSWORD', reason: 'is the demo password' };
  if (value.length < MIN_ADMIN_PASSWORD_LENGTH) return { name: 'ADMIN_PASSWORD', reason: `shorter than ${MIN_ADMIN_PASSWORD_LENGTH} characters` };
  return undefined;
}
