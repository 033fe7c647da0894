import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, demoteLiveSession, loadConfig } from '@concert/service-kit';
import { testRedisUrl } from '@concert/testing';
import { GatewayConfig } from '../src/config';
import { start } from '../src/start';
import { DEAD_UPSTREAM, call, startTestGateway, type TestGateway } from './support/gateway';

// Issue 11: keys, production secrets, live admin role, client address, Redis timeouts.

async function pemPair() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { JWT_PRIVATE_KEY: await exportPKCS8(privateKey), JWT_PUBLIC_KEY: await exportSPKI(publicKey) };
}

describe('signing keys: kid, JWKS, rotation, shared by replicas', () => {
  let oldKeys: Awaited<ReturnType<typeof pemPair>>;
  let newKeys: Awaited<ReturnType<typeof pemPair>>;
  let before: TestGateway;
  let after: TestGateway;
  let otherReplica: TestGateway;
  beforeAll(async () => {
    [oldKeys, newKeys] = await Promise.all([pemPair(), pemPair()]);
    before = await startTestGateway(oldKeys);
    // After the rotation: signs with the new key, still verifies the old one's tokens.
    after = await startTestGateway({ ...newKeys, JWT_PREVIOUS_PUBLIC_KEYS: oldKeys.JWT_PUBLIC_KEY });
    otherReplica = await startTestGateway({ ...newKeys, JWT_PREVIOUS_PUBLIC_KEYS: oldKeys.JWT_PUBLIC_KEY.replace(/\n/g, '\\n') });
  });
  afterAll(async () => {
    await Promise.all([before?.stop(), after?.stop(), otherReplica?.stop()]);
  });

  it('publishes its public keys with kid at /.well-known/jwks.json; tokens name their kid', async () => {
    const r = await call('GET', `${after.url}/.well-known/jwks.json`);
    expect(r.status).toBe(200);
    const keys = r.body.keys as { kid: string; kty: string; alg: string; use: string; d?: string }[];
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatchObject({ kty: 'OKP', alg: 'EdDSA', use: 'sig' });
    expect(keys.some((k) => 'd' in k)).toBe(false);
    const token = await after.login({ id: randomUUID() });
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
    const mine = (await call('GET', `${before.url}/.well-known/jwks.json`)).body.keys as { kid: string }[];
    expect(mine).toHaveLength(1);
    expect(keys.map((k) => k.kid)).toContain(mine[0]!.kid);
  });

  it('a token signed before the rotation still works after it; a replica with the same config accepts both', async () => {
    const userId = randomUUID();
    const oldToken = await before.login({ id: userId });
    // The upstream is dead here: 503 means authenticated, 401 would mean refused.
    expect((await call('GET', `${after.api}/me`, { token: oldToken })).status).toBe(503);
    expect((await call('GET', `${otherReplica.api}/me`, { token: oldToken })).status).toBe(503);
    const newToken = await after.login({ id: randomUUID() });
    expect((await call('GET', `${otherReplica.api}/me`, { token: newToken })).status).toBe(503);
    // The old gateway never heard of the new key.
    expect((await call('GET', `${before.api}/me`, { token: newToken })).status).toBe(401);
  });
});

describe('production mode refuses default secrets', () => {
  const base = async (env: Record<string, string>) =>
    loadConfig(GatewayConfig, { NODE_ENV: 'production', REDIS_URL: await testRedisUrl(), GATEWAY_PORT: '0', QUEUE_SERVICE_URL: DEAD_UPSTREAM, ...env });
  const logger = createLogger('t', 'silent');

  it('a generated JWT key or a default/short internal or queue-token key stops the start; proper secrets start', async () => {
    const keys = await pemPair();
    const strongKey = 'k'.repeat(40);
    await expect(start(await base({ INTERNAL_KEY_GATEWAY: strongKey, JWT_KEYS_FILE: `/tmp/gw-${randomUUID()}.json` }), { logger })).rejects.toThrow(/JWT_PRIVATE_KEY/);
    await expect(start(await base({ ...keys }), { logger })).rejects.toThrow(/INTERNAL_KEY_GATEWAY: is the development default/);
    await expect(start(await base({ ...keys, INTERNAL_KEY_GATEWAY: 'short-but-16-chars!' }), { logger })).rejects.toThrow(/shorter than 32/);
    await expect(start(await base({ ...keys, INTERNAL_KEY_GATEWAY: strongKey }), { logger })).rejects.toThrow(/QUEUE_TOKEN_KEY: is the development default/);
    await expect(start(await base({ ...keys, INTERNAL_KEY_GATEWAY: strongKey, QUEUE_TOKEN_KEY: 'q'.repeat(31) }), { logger })).rejects.toThrow(/QUEUE_TOKEN_KEY: shorter than 32/);
    const ok = await start(await base({ ...keys, INTERNAL_KEY_GATEWAY: strongKey, QUEUE_TOKEN_KEY: 'q'.repeat(32) }), { logger });
    await ok.stop();
  });

  it('development keeps the defaults', async () => {
    const gw = await startTestGateway();
    expect((await call('GET', `${gw.url}/healthz`)).status).toBe(200);
    await gw.stop();
  });
});

describe('admin role is read from the live session store', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('a demoted admin is refused at once, with the token they still hold', async () => {
    const userId = randomUUID();
    const token = await gw.login({ id: userId, role: 'admin' });
    const admin = () => call('GET', `${gw.api}/admin/concerts/${randomUUID()}/queue`, { token });
    expect((await admin()).status).toBe(503); // past the role check; the upstream is dead here
    await demoteLiveSession(gw.redis, userId);
    const r = await admin();
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
  });
});

describe('client address: X-Forwarded-For only from a trusted proxy', () => {
  const attempts = async (gw: TestGateway, forwarded: (i: number) => string) => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call('POST', `${gw.api}/auth/login`, { body: { email: 'victim@example.test', password: 'guess' }, headers: { 'x-forwarded-for': forwarded(i) } });
      codes.push(r.status);
    }
    return codes;
  };
  const limits = { RATE_LIMIT_LOGIN_POINTS: '3', RATE_LIMIT_LOGIN_DURATION_SECONDS: '60' };

  it('without TRUST_PROXY a forged X-Forwarded-For does not buy new attempts', async () => {
    const gw = await startTestGateway(limits);
    try {
      expect(await attempts(gw, (i) => `203.0.113.${i + 1}`)).toEqual([503, 503, 503, 429]);
    } finally {
      await gw.stop();
    }
  });

  it('behind a configured proxy each forwarded client has its own budget', async () => {
    const gw = await startTestGateway({ ...limits, TRUST_PROXY: 'loopback' });
    try {
      expect(await attempts(gw, (i) => `203.0.113.${i + 1}`)).toEqual([503, 503, 503, 503]);
      expect(await attempts(gw, () => '198.51.100.7')).toEqual([503, 503, 503, 429]);
    } finally {
      await gw.stop();
    }
  });
});

describe('timeouts: a Redis that never answers', () => {
  let blackhole: Server;
  let port: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never replies: a stuck server, not a dead one.
    blackhole = createServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', () => r()));
    port = (blackhole.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => blackhole.close(() => r()));
  });

  it('an authenticated request answers 503 within the command timeout, not never', async () => {
    const gw = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_COMMAND_TIMEOUT_MS: '500' });
    try {
      const token = await gw.tokens.signAccess({ id: randomUUID(), role: 'user', email: 'x@example.test' });
      const t0 = Date.now();
      const r = await call('GET', `${gw.api}/me`, { token: token.token });
      expect(r.status).toBe(503);
      expect(r.contentType).toContain('application/problem+json');
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await gw.stop();
    }
  }, 20_000);
});
