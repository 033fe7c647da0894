import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const [h1, h2] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(h1).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horse!', h1)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
  });
  it('has a dummy hash that matches nothing a user types', async () => {
    expect(await verifyPassword('', await dummyPasswordHash())).toBe(false);
  });
});
