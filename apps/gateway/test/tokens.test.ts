import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sleep } from '@concert/testing';
import { loadSigningKeys } from '../src/auth/keys';
import { createTokenService } from '../src/auth/tokens';

const user = { id: '6f1c2a52-3b8e-4b8f-9b51-1f1f7c2b7a10', role: 'user' as const, email: 'a@example.test' };
const keysFile = () => join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'jwt-keys.json');

describe('token service', () => {
  it('a token verified once (and cached) still expires on time', async () => {
    const t = createTokenService(await loadSigningKeys({ keysFile: keysFile() }), { issuer: 'i', audience: 'a', accessTtlSeconds: 1 });
    const a = await t.signAccess(user);
    await expect(t.verifyAccess(a.token)).resolves.toMatchObject({ userId: user.id, role: 'user', email: user.email, jti: a.jti });
    await sleep(1100);
    await expect(t.verifyAccess(a.token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });

    const q = await t.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 1);
    await expect(t.verifyQueue(q.token)).resolves.toMatchObject({ userId: user.id });
    await sleep(1100);
    await expect(t.verifyQueue(q.token)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
  });

  it('issuer and audience are bound; access and queue tokens are not interchangeable', async () => {
    const keys = await loadSigningKeys({ keysFile: keysFile() });
    const a = createTokenService(keys, { issuer: 'i', audience: 'a', accessTtlSeconds: 60 });
    const b = createTokenService(keys, { issuer: 'other', audience: 'a', accessTtlSeconds: 60 });
    const token = (await a.signAccess(user)).token;
    await expect(b.verifyAccess(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(a.verifyQueue(token)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
    const q = await a.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 60);
    await expect(a.verifyAccess(q.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
