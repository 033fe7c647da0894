import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The secrets every replica must share, as an env file: the gateway's signing key pair (so
 * replicas accept each other's tokens and a redeploy logs nobody out) and the internal
 * per-caller internal keys, the gateway's queue-token key, and a first admin password. PEMs are on one line with literal "\n", which the gateway unescapes.
 */
export function generateSecrets(): Record<string, string> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
  return {
    JWT_PRIVATE_KEY: oneLine(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    JWT_PUBLIC_KEY: oneLine(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    // Each caller's key for its service tokens (service-kit internal-auth.ts).
    INTERNAL_KEY_GATEWAY: randomBytes(32).toString('base64url'),
    INTERNAL_KEY_PAYMENT: randomBytes(32).toString('base64url'),
    // The gateway's queue-token MAC key (only gateway replicas hold it).
    QUEUE_TOKEN_KEY: randomBytes(32).toString('base64url'),
    // The first admin's password for the seed one-shot: production refuses the demo one.
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
  };
}

export function generateSecretsEnv(): string {
  const lines = generateSecrets();
  return Object.entries(lines).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n';
}

/** Writes the env file once: an existing file is kept, so a redeploy keeps the same keys. */
export function ensureSecretsFile(file: string): 'created' | 'kept' {
  if (existsSync(file)) return 'kept';
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, generateSecretsEnv(), { mode: 0o600 });
  renameSync(tmp, file);
  return 'created';
}
