import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's scrypt floor (N=2^17 is the recommendation for interactive logins on servers with
// memory to spare; 2^15 keeps a 2-core box responsive under signup bursts). Parameters live in
// the stored string, so they can be raised later without invalidating existing hashes.
export const DEFAULT_SCRYPT_N = 2 ** 15;
let PARAMS = { N: DEFAULT_SCRYPT_N, r: 8, p: 1 };

/**
 * Cost for new hashes (PASSWORD_SCRYPT_N). Only load benchmarks lower it, to measure the sale
 * rather than password hashing; existing hashes keep the cost they were made with.
 */
export function setScryptCost(N: number): void {
  if (!Number.isInteger(Math.log2(N)) || N < 2 ** 10) throw new Error('scrypt N must be a power of two ≥ 1024');
  PARAMS = { ...PARAMS, N };
  dummy = undefined;
}
const KEY_LEN = 64;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url), with a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/**
 * Verified against when the email is unknown, so "no such user" costs the same scrypt run as
 * "wrong password" and response time does not reveal which emails have accounts.
 */
let dummy: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));
