import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { MIN_INTERNAL_KEY_LENGTH, type SecretProblem } from '@concert/service-kit';

/** One pinned asymmetric algorithm: verifying never trusts the token's own `alg`. */
export const JWT_ALG = 'EdDSA';

export interface SigningKeys {
  /** The current key: every new token is signed with it and carries its `kid`. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  /** Every key a token may be verified with, by `kid`: the current one and retired ones still in use. */
  verifiers: ReadonlyMap<string, CryptoKey>;
  /** The public keys as a JWK Set (`/.well-known/jwks.json`). */
  jwks: { keys: JWK[] };
  /** True when the pair was generated into a local file rather than configured (refused in production). */
  generated: boolean;
}

interface KeyFile {
  alg: string;
  privateKey: string;
  publicKey: string;
  createdAt: string;
}

/**
 * Keys come from JWT_PRIVATE_KEY / JWT_PUBLIC_KEY (PEM) when set. Local runs instead share one
 * generated pair in a git-ignored file so every gateway on the machine accepts the others' tokens.
 */
export async function loadSigningKeys(opts: {
  privatePem?: string;
  publicPem?: string;
  /** Retired public keys (PEMs, concatenated): they still verify the tokens they signed until those expire. */
  previousPublicPems?: string;
  keysFile?: string;
}): Promise<SigningKeys> {
  const previous = splitPems(unescapePem(opts.previousPublicPems ?? ''));
  if (opts.privatePem || opts.publicPem) {
    if (!opts.privatePem || !opts.publicPem) throw new Error('JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must be set together');
    return importPems(unescapePem(opts.privatePem), unescapePem(opts.publicPem), previous, false);
  }
  const file = opts.keysFile ?? defaultKeysFile();
  const pems = await readOrCreateKeyFile(file);
  return importPems(pems.privateKey, pems.publicKey, previous, true);
}

async function importPems(privatePem: string, publicPem: string, previous: string[], generated: boolean): Promise<SigningKeys> {
  const privateKey = await importPKCS8(privatePem, JWT_ALG);
  const current = await importPublic(publicPem);
  const verifiers = new Map<string, CryptoKey>();
  const jwks: JWK[] = [];
  for (const k of [current, ...(await Promise.all(previous.map(importPublic)))]) {
    if (verifiers.has(k.kid)) continue;
    verifiers.set(k.kid, k.key);
    jwks.push(k.jwk);
  }
  return { privateKey, publicKey: current.key, kid: current.kid, verifiers, jwks: { keys: jwks }, generated };
}

/** `kid` is the key's RFC 7638 thumbprint: the same key gets the same id on every replica, with no registry. */
async function importPublic(pem: string): Promise<{ key: CryptoKey; kid: string; jwk: JWK }> {
  const key = await importSPKI(pem, JWT_ALG, { extractable: true });
  const raw = await exportJWK(key);
  const kid = await calculateJwkThumbprint(raw);
  return { key, kid, jwk: { ...raw, kid, alg: JWT_ALG, use: 'sig' } };
}

const splitPems = (text: string) => text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];

// Env files often carry PEMs on one line with literal "\n".
const unescapePem = (pem: string) => pem.replace(/\\n/g, '\n');

function defaultKeysFile(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.secrets', 'jwt-keys.json');
    const up = dirname(dir);
    if (up === dir) return resolve(process.cwd(), '.secrets', 'jwt-keys.json');
    dir = up;
  }
}

/**
 * Creates the file at most once even when several gateways start together: each writes its own
 * temp file and hard-links it into place; link() fails if the name exists, and the loser reads
 * the winner's keys.
 */
export async function readOrCreateKeyFile(file: string): Promise<KeyFile> {
  const existing = tryRead(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { crv: 'Ed25519', extractable: true });
  const content: KeyFile = {
    alg: JWT_ALG,
    privateKey: await exportPKCS8(privateKey),
    publicKey: await exportSPKI(publicKey),
    createdAt: new Date().toISOString(),
  };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  const stored = tryRead(file);
  if (!stored) throw new Error(`could not read JWT keys from ${file}`);
  return stored;
}

function tryRead(file: string): KeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<KeyFile>;
  if (parsed.alg !== JWT_ALG || !parsed.privateKey || !parsed.publicKey) throw new Error(`${file} does not hold ${JWT_ALG} keys`);
  return parsed as KeyFile;
}

/** QUEUE_TOKEN_KEY as production needs it: configured, not the repository's default, long enough to resist guessing. */
export function queueTokenKeyProblem(value: string, devDefault: string): SecretProblem | undefined {
  if (value === devDefault) return { name: 'QUEUE_TOKEN_KEY', reason: 'is the development default' };
  if (value.length < MIN_INTERNAL_KEY_LENGTH) return { name: 'QUEUE_TOKEN_KEY', reason: `shorter than ${MIN_INTERNAL_KEY_LENGTH} characters` };
  return undefined;
}
