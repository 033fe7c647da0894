import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, legacyScryptHash, needsRehash, verifyPassword } from './password';

describe('password hashing (argon2id at OWASP minimum; scrypt legacy)', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const [h1, h2] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(h1).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horse!', h1)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
    expect(needsRehash(h1)).toBe(false);
  });
  it('still verifies old scrypt hashes, and marks them for an upgrade', async () => {
    const old = await legacyScryptHash('correct horse', 2 ** 10);
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(await verifyPassword('wrong horse', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
  });
  it('has a dummy hash that matches nothing a user types', async () => {
    expect(await verifyPassword('', await dummyPasswordHash())).toBe(false);
  });
});
