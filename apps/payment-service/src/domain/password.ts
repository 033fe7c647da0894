import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * New hashes: argon2id at OWASP's minimum (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1;
 * its first choice). Parameters live in the stored PHC string, so they can be raised later and
 * old hashes still verify; `needsRehash` tells login to upgrade them.
 */
export interface PasswordCost {
  memoryKiB: number;
  timeCost: number;
}
export const OWASP_ARGON2ID: PasswordCost = { memoryKiB: 19 * 1024, timeCost: 2 };
/** The cheapest cost argon2 allows; only the sale benchmark uses it, to measure the sale and not hashing. */
export const BENCHMARK_COST: PasswordCost = { memoryKiB: 1024, timeCost: 1 };
let cost: PasswordCost = OWASP_ARGON2ID;

export function setPasswordCost(c: PasswordCost): void {
  if (!Number.isInteger(c.memoryKiB) || c.memoryKiB < 1024 || !Number.isInteger(c.timeCost) || c.timeCost < 1)
    throw new Error('password cost: memory ≥ 1024 KiB and time cost ≥ 1');
  cost = c;
  dummy = undefined;
}

// @node-rs/argon2's Algorithm.Argon2id; its const enum cannot be read under isolatedModules.
const ARGON2ID = 2;
const normalize = (password: string) => password.normalize('NFKC');

/** `$argon2id$v=19$m=…,t=…,p=1$salt$hash`, with a fresh salt per password. */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(normalize(password), { algorithm: ARGON2ID, memoryCost: cost.memoryKiB, timeCost: cost.timeCost, parallelism: 1 });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) return argon2Verify(stored, normalize(password)).catch(() => false);
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
}

/** True for hashes weaker than today's cost: legacy scrypt ones and argon2 below the current parameters. */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return Number(m[1]) < cost.memoryKiB || Number(m[2]) < cost.timeCost;
}

/**
 * Hashes made before argon2id: `scrypt$N$r$p$salt$hash` (base64url). They still verify and
 * are replaced at the next successful login. (They were N=2^15, r=8, p=1 — below OWASP's scrypt
 * minimum of N=2^17, which is why they are upgraded.)
 */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const N = Number(n);
  const o = { N, r: Number(r), p: Number(p) };
  if (![o.N, o.r, o.p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const options: ScryptOptions = { ...o, maxmem: 128 * o.N * o.r * 2 };
  const got = await new Promise<Buffer>((resolve, reject) =>
    scrypt(normalize(password), Buffer.from(salt, 'base64url'), expected.length, options, (err, key) => (err ? reject(err) : resolve(key))),
  ).catch(() => undefined);
  return !!got && got.length === expected.length && timingSafeEqual(got, expected);
}

/** Makes a legacy scrypt hash (tests of the upgrade path only). */
export async function legacyScryptHash(password: string, N = 2 ** 15): Promise<string> {
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(normalize(password), salt, 64, { N, r: 8, p: 1, maxmem: 128 * N * 8 * 2 }, (err, k) => (err ? reject(err) : resolve(k))),
  );
  return ['scrypt', N, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Verified against when the email is unknown, so "no such user" costs the same hash as a
 * wrong password and response time does not reveal which emails have accounts.
 */
let dummy: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));
