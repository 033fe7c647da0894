import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  UpstreamProblem,
  createHttpApp,
  createInternalClient,
  createLogger,
  createMetrics,
  finish,
  parseBody,
  requestContext,
  requireServiceToken,
  serviceTokenSource,
} from '../src';
import { freePort } from '@concert/testing';
import { SignJWT } from 'jose';

const GATEWAY_KEY = 'gateway-key-for-tests-0123456789abcdef';
const PAYMENT_KEY = 'payment-key-for-tests-0123456789abcdef';

const logger = createLogger('test', 'silent');
let server: Server;
let base: string;

beforeAll(async () => {
  const app = createHttpApp({ logger, metrics: createMetrics('test'), readiness: { ok: async () => undefined } });
  app.post('/items', (req, res) => {
    const body = parseBody(z.object({ name: z.string().min(1) }), req);
    res.status(201).json(body);
  });
  app.get('/missing', () => {
    throw new AppError('CONCERT_NOT_FOUND', 'no such concert');
  });
  app.get('/sleepy', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 2000));
    res.json({ late: true });
  });
  app.get('/boom', () => {
    throw new Error('secret connection string postgres://u:p@h');
  });
  app.use(
    '/internal',
    requireServiceToken('booking-service', {
      gateway: { secret: GATEWAY_KEY },
      'payment-service': { secret: PAYMENT_KEY, routes: [/^GET \/ping$/] },
    }),
  );
  app.get('/internal/ping', (_req, res) => {
    res.json({ pong: true, caller: res.locals.caller as string });
  });
  app.get('/internal/other', (_req, res) => {
    res.json({ other: true });
  });
  finish(app, logger);
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      // The call given up on below leaves its request open on the server until its sweep.
      server.closeAllConnections();
    }),
);

const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('error mapping: every failure is problem+json, never a stack', () => {
  it('validation → 400 VALIDATION_FAILED with the failing paths', async () => {
    const res = await post('/items', JSON.stringify({ name: '' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'name' }] });
  });

  it('malformed JSON → 400, over 1 MB → 413', async () => {
    expect((await post('/items', '{"name":')).status).toBe(400);
    const big = await post('/items', JSON.stringify({ name: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('typed errors keep their code and status; unknown errors hide their message', async () => {
    const missing = await fetch(`${base}/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'CONCERT_NOT_FOUND', detail: 'no such concert' });
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(JSON.stringify(await boom.json())).not.toContain('postgres://');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('a NUL byte or another control character anywhere in a body → 400 VALIDATION_FAILED', async () => {
    for (const body of [{ name: 'a\u0000b' }, { name: 'ok', extra: { deep: ['\u001b[31m'] } }, { 'k\u0000': 1, name: 'x' }]) {
      const res = await post('/items', JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await post('/items', JSON.stringify({ name: 'Zoë – ok' }))).status).toBe(201);
  });

  it('internal routes need a service token naming an allowed caller, for this service, unexpired', async () => {
    const ping = (token?: string, path = '/internal/ping') => fetch(`${base}${path}`, { headers: token ? { 'x-internal-token': token } : {} });
    expect((await ping()).status).toBe(403);
    // The old shared secret, or a key that is not the caller's, opens nothing.
    expect((await ping(GATEWAY_KEY)).status).toBe(403);
    expect((await ping(await serviceTokenSource('gateway', PAYMENT_KEY, 'booking-service')())).status).toBe(403);
    // Meant for another service: refused.
    expect((await ping(await serviceTokenSource('gateway', GATEWAY_KEY, 'payment-service')())).status).toBe(403);
    const gw = await serviceTokenSource('gateway', GATEWAY_KEY, 'booking-service')();
    expect(await (await ping(gw)).json()).toEqual({ pong: true, caller: 'gateway' });
    expect((await ping(gw, '/internal/other')).status).toBe(200);
    // payment-service may use only its own route.
    const pay = await serviceTokenSource('payment-service', PAYMENT_KEY, 'booking-service')();
    expect((await ping(pay)).status).toBe(200);
    expect((await ping(pay, '/internal/other')).status).toBe(403);
    // Naming another caller than the key it is signed with does not work either.
    const lying = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'payment-service' }).setIssuer('gateway').setAudience('booking-service').setExpirationTime('1m').sign(new TextEncoder().encode(PAYMENT_KEY));
    expect((await ping(lying, '/internal/other')).status).toBe(403);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'gateway' }).setIssuer('gateway').setAudience('booking-service').setExpirationTime(Math.floor(Date.now() / 1000) - 5).sign(new TextEncoder().encode(GATEWAY_KEY));
    expect((await ping(expired)).status).toBe(403);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok', checks: { ok: 'ok' } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('http_request_duration_seconds');
  });
});

describe('internal client', () => {
  it('skips a replica that refuses connections and passes problems through', async () => {
    const client = createInternalClient(`http://127.0.0.1:${await freePort()},${base}`, serviceTokenSource('gateway', GATEWAY_KEY, 'booking-service'));
    for (let i = 0; i < 3; i++) expect((await client.get('/internal/ping')).body).toEqual({ pong: true, caller: 'gateway' });
    const err = await client.get('/missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamProblem);
    expect((err as UpstreamProblem).problem.code).toBe('CONCERT_NOT_FOUND');
  });

  it('many concurrent calls all reach the live replica while the other refuses', async () => {
    // Concurrent calls share the round-robin cursor: each must still try every replica once.
    const client = createInternalClient(`http://127.0.0.1:${await freePort()},${base},http://127.0.0.1:${await freePort()}`, serviceTokenSource('gateway', GATEWAY_KEY, 'booking-service'));
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => client.get('/internal/ping')));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('stops waiting when its caller goes away (the request signal aborts the call)', async () => {
    const client = createInternalClient(base, serviceTokenSource('gateway', GATEWAY_KEY, 'booking-service'));
    const caller = new AbortController();
    const started = Date.now();
    const call = requestContext.run({ requestId: 'r-gone', signal: caller.signal }, () => client.get('/sleepy').catch((e: unknown) => e));
    setTimeout(() => caller.abort(new Error('client went away')), 100);
    const err = await call;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports UPSTREAM_UNAVAILABLE when no replica answers', async () => {
    const client = createInternalClient(`http://127.0.0.1:${await freePort()}`, serviceTokenSource('gateway', GATEWAY_KEY, 'booking-service'));
    const err = await client.get('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

