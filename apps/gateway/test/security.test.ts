import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, exportSPKI, decodeJwt, decodeProtectedHeader, base64url, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestGateway, type TestGateway } from './support/gateway';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const me = () => `${gw.api}/me/reservations`;

function expect401(r: Awaited<ReturnType<typeof call>>, code: string) {
  expect(r.status).toBe(401);
  expect(r.contentType).toContain('application/problem+json');
  expect(r.body.code).toBe(code);
  expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
}

describe('access tokens', () => {
  it('missing or malformed bearer → 401 UNAUTHENTICATED', async () => {
    expect401(await call('GET', me()), 'UNAUTHENTICATED');
    expect401(await call('GET', me(), { headers: { authorization: 'Basic abc' } }), 'UNAUTHENTICATED');
    expect401(await call('GET', me(), { token: 'not-a-jwt' }), 'UNAUTHENTICATED');
    expect401(await call('GET', me(), { token: 'a.b.c' }), 'UNAUTHENTICATED');
  });

  it("alg 'none' is refused", async () => {
    const userId = randomUUID();
    const good = await gw.login({ id: userId, role: 'admin' });
    const claims = decodeJwt(good);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    const unsigned = `${header}.${base64url.encode(JSON.stringify(claims))}.`;
    expect401(await call('GET', me(), { token: unsigned }), 'UNAUTHENTICATED');
  });

  it('a token signed with another key is refused', async () => {
    const userId = randomUUID();
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await signed({ role: 'admin', email: 'x@example.test' }, privateKey, { sub: userId });
    expect401(await call('GET', me(), { token: forged }), 'UNAUTHENTICATED');
  });

  it('HS256 keyed with the public key (algorithm confusion) is refused', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const secret = new TextEncoder().encode(await exportSPKI(publicKey));
    const forged = await signed({ role: 'admin', email: 'x@example.test' }, secret, { alg: 'HS256' });
    expect401(await call('GET', me(), { token: forged }), 'UNAUTHENTICATED');
  });

  it('tampered claims (role raised to admin) break the signature', async () => {
    const userId = randomUUID();
    const good = await gw.login({ id: userId, role: 'user' });
    const [h, , s] = good.split('.');
    const claims = { ...decodeJwt(good), role: 'admin' };
    const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
    expect401(await call('GET', `${gw.api}/admin/concerts/${randomUUID()}/queue`, { token: tampered }), 'UNAUTHENTICATED');
  });

  it('wrong issuer or audience is refused', async () => {
    const keysPrivate = await loadPrivate();
    for (const [iss, aud] of [
      ['someone-else', gw.config.JWT_AUDIENCE],
      [gw.config.JWT_ISSUER, 'other-api'],
    ]) {
      const t = await signed({ role: 'user', email: 'x@example.test' }, keysPrivate, { iss: iss!, aud: aud! });
      expect401(await call('GET', me(), { token: t }), 'UNAUTHENTICATED');
    }
  });

  it('an expired token → 401 TOKEN_EXPIRED', async () => {
    const userId = randomUUID();
    const jti = randomUUID();
    const past = Math.floor(Date.now() / 1000) - 10;
    const t = await signed({ role: 'user', email: 'x@example.test' }, await loadPrivate(), {
      kid: decodeProtectedHeader(await gw.login({ id: randomUUID() })).kid,
      sub: userId,
      jti,
      iat: past - 3600,
      exp: past,
    });
    await gw.sessions.activate(userId, jti, 60);
    expect401(await call('GET', me(), { token: t }), 'TOKEN_EXPIRED');
  });

  it('logout revokes the token until it expires (blacklist by jti with its remaining lifetime)', async () => {
    const userId = randomUUID();
    const token = await gw.login({ id: userId });
    const out = await call('POST', `${gw.api}/auth/logout`, { token });
    expect(out.status).toBe(204);
    expect401(await call('GET', me(), { token }), 'TOKEN_REVOKED');
    expect401(await call('POST', `${gw.api}/auth/logout`, { token }), 'TOKEN_REVOKED');
    const { jti, exp } = decodeJwt(token);
    const ttl = await gw.redis.ttl(`token:blacklist:${jti}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(exp! - Math.floor(Date.now() / 1000) + 1);
  });

  it('a newer login replaces the older token → 401 TOKEN_REVOKED', async () => {
    const userId = randomUUID();
    const first = await gw.login({ id: userId });
    const second = await gw.login({ id: userId });
    expect401(await call('GET', me(), { token: first }), 'TOKEN_REVOKED');
    // The newer token is authenticated (the upstream is down in this suite, hence 503, not 401).
    expect((await call('GET', me(), { token: second })).status).toBe(503);
    // Logging out the old token must not end the newer session.
    await gw.sessions.revoke(userId, decodeJwt(first).jti!, decodeJwt(first).exp!);
    expect((await call('GET', me(), { token: second })).status).toBe(503);
  });

  it('a queue token is not an access token', async () => {
    const userId = randomUUID();
    await gw.login({ id: userId });
    const q = await gw.tokens.signQueue(userId, randomUUID(), Math.floor(Date.now() / 1000) + 600);
    expect401(await call('GET', me(), { token: q.token }), 'UNAUTHENTICATED');
  });
});

describe('queue tokens', () => {
  it("another user's queue token → 403 QUEUE_TOKEN_INVALID", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const bobToken = await gw.login({ id: bob });
    const aliceQueue = await gw.tokens.signQueue(alice, randomUUID(), Math.floor(Date.now() / 1000) + 600);
    const r = await call('GET', `${gw.api}/queue/status`, { token: bobToken, queueToken: aliceQueue.token });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('QUEUE_TOKEN_INVALID');
    const res = await call('POST', `${gw.api}/reservations`, { token: bobToken, queueToken: aliceQueue.token, body: { concertId: randomUUID(), seatNumber: 1 } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('QUEUE_TOKEN_INVALID');
  });

  it('missing, forged, or access-token-as-queue-token → 403 QUEUE_TOKEN_INVALID', async () => {
    const userId = randomUUID();
    const token = await gw.login({ id: userId });
    for (const queueToken of [undefined, 'garbage', token]) {
      const r = await call('GET', `${gw.api}/queue/status`, { token, queueToken });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('QUEUE_TOKEN_INVALID');
    }
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await signed({ cid: randomUUID() }, privateKey, { typ: 'queue', sub: userId });
    const r = await call('GET', `${gw.api}/queue/status`, { token, queueToken: forged });
    expect(r.body.code).toBe('QUEUE_TOKEN_INVALID');
  });

  it('a queue token presented for another concert → 403', async () => {
    const userId = randomUUID();
    const token = await gw.login({ id: userId });
    const q = await gw.tokens.signQueue(userId, randomUUID(), Math.floor(Date.now() / 1000) + 600);
    const r = await call('GET', `${gw.api}/queue/status?concertId=${randomUUID()}`, { token, queueToken: q.token });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('QUEUE_TOKEN_INVALID');
  });

  it('reservations: bad input is 400 before any queue check; no queue token → 403', async () => {
    const token = await gw.login({ id: randomUUID() });
    const bad = await call('POST', `${gw.api}/reservations`, { token, body: { concertId: 'nope', seatNumber: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(['concertId', 'seatNumber']);
    const none = await call('POST', `${gw.api}/reservations`, { token, body: { concertId: randomUUID(), seatNumber: 1 } });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('QUEUE_TOKEN_INVALID');
  });
});

describe('operator routes', () => {
  it('non-admin → 403 FORBIDDEN on every operator route', async () => {
    const token = await gw.login({ id: randomUUID(), role: 'user' });
    const id = randomUUID();
    const routes: [string, string, unknown?][] = [
      ['POST', '/admin/concerts', {}],
      ['PATCH', `/admin/concerts/${id}`, { status: 'BOOKING_OPEN' }],
      ['PUT', `/admin/concerts/${id}/queue-policy`, { admitPerSecond: 1, maxActive: 1, activeTtlSeconds: 60 }],
      ['GET', `/admin/concerts/${id}/queue`],
    ];
    for (const [method, path, body] of routes) {
      const r = await call(method, `${gw.api}${path}`, { token, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
      expect401(await call(method, `${gw.api}${path}`, { body }), 'UNAUTHENTICATED');
    }
  });

  it('an admin passes the gate (validation then upstream)', async () => {
    const token = await gw.login({ id: randomUUID(), role: 'admin' });
    const r = await call('POST', `${gw.api}/admin/concerts`, { token, body: { title: '' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('bad input never becomes a 500', () => {
  it('body over 1 MB → 413 problem', async () => {
    const big = JSON.stringify({ email: 'a'.repeat(1024 * 1024 + 10), password: 'x' });
    const r = await call('POST', `${gw.api}/auth/login`, { rawBody: big });
    expect(r.status).toBe(413);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await call('POST', `${gw.api}/auth/login`, { rawBody: 'x'.repeat(1024 * 1024 + 10), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(413);
  });

  it('malformed JSON → 400 problem+json', async () => {
    const r = await call('POST', `${gw.api}/auth/signup`, { rawBody: '{"email": ' });
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.errors?.length).toBeGreaterThan(0);
  });

  it('unknown route → 404 problem', async () => {
    const r = await call('GET', `${gw.api}/definitely/not/here`);
    expect(r.status).toBe(404);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe('NOT_FOUND');
  });

  it('validation errors carry errors[{path,message}]', async () => {
    const r = await call('POST', `${gw.api}/auth/signup`, { body: { email: 'not-an-email', name: '', password: 'short' } });
    expect(r.status).toBe(400);
    expect(r.body.errors?.map((e) => e.path).sort()).toEqual(['email', 'name', 'password']);
    const q = await call('GET', `${gw.api}/concerts?status=SOLD_OUT`);
    expect(q.status).toBe(400);
    expect(q.body.errors?.[0]?.path).toBe('status');
  });

  it('charge: missing or malformed Idempotency-Key, amounts out of range or not strings → 400', async () => {
    const token = await gw.login({ id: randomUUID() });
    const url = `${gw.api}/me/balance/charge`;
    const noKey = await call('POST', url, { token, body: { amount: '10.00' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors?.[0]?.path).toBe('Idempotency-Key');
    const badKey = await call('POST', url, { token, body: { amount: '10.00' }, headers: { 'idempotency-key': 'has space' } });
    expect(badKey.status).toBe(400);
    // A JSON number is refused even when it looks harmless: money is never one on the wire.
    for (const amount of ['0', '0.00', '-1', '1000000.01', '1.234', 12.345, 100, 'abc', null]) {
      const r = await call('POST', url, { token, body: { amount }, headers: { 'idempotency-key': 'k1' } });
      expect(r.status, String(amount)).toBe(400);
      expect(r.body.errors?.[0]?.path).toBe('amount');
    }
  });

  it('pay: missing Idempotency-Key → 400', async () => {
    const token = await gw.login({ id: randomUUID() });
    const r = await call('POST', `${gw.api}/payments`, { token, body: { reservationId: randomUUID() } });
    expect(r.status).toBe(400);
  });

  it('an unreachable service → 503 UPSTREAM_UNAVAILABLE, never 500', async () => {
    const r = await call('GET', `${gw.api}/concerts`);
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a non-UUID path id is a 404 of that resource', async () => {
    const r = await call('GET', `${gw.api}/concerts/not-a-uuid`);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('CONCERT_NOT_FOUND');
  });
});

describe('documents and probes', () => {
  it('serves OpenAPI 3.1 with every API.md path, Swagger UI locally, and AsyncAPI', async () => {
    for (const path of ['/openapi.json', '/api/v1/openapi.json']) {
      const r = await call('GET', `${gw.url}${path}`);
      expect(r.status).toBe(200);
      expect(r.body.openapi).toBe('3.1.0');
      const paths = Object.keys(r.body.paths as object);
      for (const p of ['/auth/signup', '/auth/login', '/auth/logout', '/me', '/me/balance', '/me/balance/charge', '/me/balance/transactions', '/me/reservations', '/concerts', '/concerts/{concertId}', '/concerts/{concertId}/seats', '/concerts/{concertId}/queue/tokens', '/queue/status', '/reservations', '/reservations/{id}', '/payments', '/payments/{id}', '/admin/concerts', '/admin/concerts/{id}', '/admin/concerts/{id}/queue-policy', '/admin/concerts/{id}/queue'])
        expect(paths).toContain(p);
    }
    const docs = await fetch(`${gw.url}/docs/`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    expect((await fetch(`${gw.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    const asyncapi = await call('GET', `${gw.url}/asyncapi.json`);
    expect(asyncapi.body.asyncapi).toBe('3.0.0');
  });

  it('healthz, readyz (the gateway itself: ready with every upstream down), metrics', async () => {
    expect((await call('GET', `${gw.url}/healthz`)).status).toBe(200);
    const ready = await call('GET', `${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: 'ok' });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('gateway_auth_failures_total');
    expect(metrics).toContain('gateway_upstream_errors_total');
    expect(metrics).toContain('http_request_duration_seconds');
  });
});

/**
 * A token made by hand, as an attacker or a broken client would: the gateway's issuer and
 * audience, a fresh subject and id and one hour of life unless the test changes one of them.
 */
function signed(
  claims: JWTPayload,
  key: Parameters<SignJWT['sign']>[0],
  o: { alg?: string; typ?: string; kid?: string; iss?: string; aud?: string; sub?: string; jti?: string; iat?: number; exp?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'EdDSA', typ: o.typ ?? 'at+jwt', ...(o.kid ? { kid: o.kid } : {}) })
    .setIssuer(o.iss ?? gw.config.JWT_ISSUER)
    .setAudience(o.aud ?? gw.config.JWT_AUDIENCE)
    .setSubject(o.sub ?? randomUUID())
    .setJti(o.jti ?? randomUUID())
    .setIssuedAt(o.iat)
    .setExpirationTime(o.exp ?? '1h')
    .sign(key);
}

async function loadPrivate() {
  const { loadSigningKeys } = await import('../src/data-access/signing-keys');
  return (await loadSigningKeys({ keysFile: gw.config.JWT_KEYS_FILE })).privateKey;
}
