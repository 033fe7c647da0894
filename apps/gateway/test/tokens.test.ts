import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { sleep } from '@concert/testing';
import { loadSigningKeys } from '../src/data-access/signing-keys';
import { createTokenService } from '../src/use-cases/tokens';

const user = { id: '6f1c2a52-3b8e-4b8f-9b51-1f1f7c2b7a10', role: 'user' as const, email: 'a@example.test' };
const QUEUE_KEY = 'q'.repeat(40);

/** A token with our issuer, audience and user, signed however the test says. */
const forge = (claims: Record<string, unknown>, header: { alg: string; typ: string; kid: string }, key: Parameters<SignJWT['sign']>[0]) =>
  new SignJWT(claims).setProtectedHeader(header).setIssuer('i').setAudience('a').setSubject(user.id).setJti('j').setIssuedAt().setExpirationTime('1h').sign(key);
const keysFile = () => join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'jwt-keys.json');

describe('token service', () => {
  it('a token verified once (and cached) still expires on time', async () => {
    // Two seconds, not one: `exp` is whole seconds, so a one-second token may have only a few ms left when signed.
    const t = createTokenService(await loadSigningKeys({ keysFile: keysFile() }), { issuer: 'i', audience: 'a', accessTtlSeconds: 2, queueTokenKey: QUEUE_KEY });
    const a = await t.signAccess(user);
    await expect(t.verifyAccess(a.token)).resolves.toMatchObject({ userId: user.id, role: 'user', email: user.email, jti: a.jti });
    await sleep(2100);
    await expect(t.verifyAccess(a.token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });

    const q = await t.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 2);
    await expect(t.verifyQueue(q.token)).resolves.toMatchObject({ userId: user.id });
    await sleep(2100);
    await expect(t.verifyQueue(q.token)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
  });

  it('issuer and audience are bound; access and queue tokens are not interchangeable', async () => {
    const keys = await loadSigningKeys({ keysFile: keysFile() });
    const a = createTokenService(keys, { issuer: 'i', audience: 'a', accessTtlSeconds: 60, queueTokenKey: QUEUE_KEY });
    const b = createTokenService(keys, { issuer: 'other', audience: 'a', accessTtlSeconds: 60, queueTokenKey: QUEUE_KEY });
    const token = (await a.signAccess(user)).token;
    await expect(b.verifyAccess(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(a.verifyQueue(token)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
    const q = await a.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 60);
    await expect(a.verifyAccess(q.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('queue tokens are HS256 under the queue key: another key, or the access key pair, does not verify them', async () => {
    const keys = await loadSigningKeys({ keysFile: keysFile() });
    const settings = { issuer: 'i', audience: 'a', accessTtlSeconds: 60, queueTokenKey: QUEUE_KEY };
    const a = createTokenService(keys, settings);
    const sameKey = createTokenService(keys, settings);
    const otherKey = createTokenService(keys, { ...settings, queueTokenKey: 'z'.repeat(40) });
    const q = await a.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 60);
    expect(decodeProtectedHeader(q.token)).toMatchObject({ alg: 'HS256', typ: 'queue' });
    // A replica with the same key verifies it (its cache never saw it); one with another key does not.
    await expect(sameKey.verifyQueue(q.token)).resolves.toMatchObject({ userId: user.id, jti: q.jti });
    await expect(otherKey.verifyQueue(q.token)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
    // Signed with the access key pair (EdDSA), claims and typ of a queue token: not a queue token.
    const edQueue = await forge({ cid: '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70' }, { alg: 'EdDSA', typ: 'queue', kid: keys.kid }, keys.privateKey);
    await expect(sameKey.verifyQueue(edQueue)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
    // An access token MAC'd with the queue key is not an access token either.
    const hsAccess = await forge({ role: 'admin', email: user.email }, { alg: 'HS256', typ: 'at+jwt', kid: keys.kid }, new TextEncoder().encode(QUEUE_KEY));
    await expect(sameKey.verifyAccess(hsAccess)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a tampered copy of a cached token is verified on its own (the cache is keyed by the exact bytes)', async () => {
    const t = createTokenService(await loadSigningKeys({ keysFile: keysFile() }), { issuer: 'i', audience: 'a', accessTtlSeconds: 60, queueTokenKey: QUEUE_KEY });
    const a = await t.signAccess(user);
    await expect(t.verifyAccess(a.token)).resolves.toMatchObject({ jti: a.jti });
    const [h, , sig] = a.token.split('.');
    const raised = `${h}.${base64url.encode(JSON.stringify({ ...decodeJwt(a.token), role: 'admin' }))}.${sig}`;
    await expect(t.verifyAccess(raised)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const q = await t.signQueue(user.id, '7a2d9f3e-1c4b-4e8a-9f0d-2b3c4d5e6f70', Math.floor(Date.now() / 1000) + 60);
    const [qh, , qs] = q.token.split('.');
    const moved = `${qh}.${base64url.encode(JSON.stringify({ ...decodeJwt(q.token), cid: '00000000-0000-4000-8000-000000000000' }))}.${qs}`;
    await expect(t.verifyQueue(moved)).rejects.toMatchObject({ code: 'QUEUE_TOKEN_INVALID' });
  });
});
