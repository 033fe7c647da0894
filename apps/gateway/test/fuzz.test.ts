import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '@concert/testing';
import { call, startTestGateway, type TestGateway } from './support/gateway';
import { flows } from './support/flows';
import { operationsOf, requestsFor, type Credential, type FuzzCase, type OpenApiDoc } from './support/openapi-arbitraries';
import { REPO_ROOT, startStack, type Stack } from './support/services';
import { writeFingerprint } from './support/write-fingerprint';

/**
 * Every public route of the OpenAPI document, fuzzed against the real services: bodies, query
 * strings, path ids and headers. For every answer: never a 5xx; every error is problem+json with
 * its status; a refused write leaves Postgres as it was. `npm test` runs FUZZ_RUNS (default 25)
 * cases per route with a fixed seed; `npm run fuzz` runs thousands (FUZZ_RUNS, FUZZ_SEED).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
// The operations are listed from the contract artifact; beforeAll checks the gateway serves the same.
const ARTIFACT = JSON.parse(readFileSync(resolve(REPO_ROOT, 'docs/api/openapi.json'), 'utf8')) as OpenApiDoc;
const OPERATIONS = operationsOf(ARTIFACT);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe(`fuzz: every public route (${RUNS} cases each, seed ${SEED})`, () => {
  let stack: Stack;
  let gw: TestGateway;
  let doc: OpenApiDoc;
  let fingerprint: Awaited<ReturnType<typeof writeFingerprint>>;
  const tokens: Record<'fan' | 'other-fan' | 'admin', string> = { fan: '', 'other-fan': '', admin: '' };
  const logins: Partial<Record<'fan' | 'other-fan', { email: string; password: string }>> = {};
  let queueToken = '';
  let ids: string[] = [];
  const api = (p: string) => `${gw.api}${p}`;

  beforeAll(async () => {
    stack = await startStack({
      'queue-service': { QUEUE_TICK_MS: '50' },
      // No hold expires during the run: a refused write is compared with Postgres before it.
      'booking-service': { RESERVATION_HOLD_SECONDS: '7200' },
      // Cheap hashing: thousands of signups and logins, not a password-cost benchmark.
      'payment-service': { PASSWORD_SCRYPT_N: '1024' },
    });
    // No rate limits: every case should reach its handler, not a 429.
    gw = await startTestGateway({ ...stack.gatewayEnv, RATE_LIMIT_ENABLED: 'false', UPSTREAM_TIMEOUT_MS: '5000' });
    doc = (await call('GET', `${gw.url}/openapi.json`)).body as unknown as OpenApiDoc;
    expect(operationsOf(doc)).toEqual(OPERATIONS);

    const admin = await call('POST', api('/auth/login'), { body: stack.admin });
    expect(admin.status, JSON.stringify(admin.body)).toBe(200);
    tokens.admin = admin.body.accessToken as string;
    const { signupAndLogin, openConcert, admitted } = flows(api, () => tokens.admin);
    const fan = await signupAndLogin();
    const other = await signupAndLogin();
    tokens.fan = fan.token;
    tokens['other-fan'] = other.token;
    logins.fan = fan;
    logins['other-fan'] = other;
    const charged = await call('POST', api('/me/balance/charge'), { token: fan.token, headers: { 'idempotency-key': 'fuzz-fixture' }, body: { amount: '1000000.00' } });
    expect(charged.status, JSON.stringify(charged.body)).toBe(200);
    const concertId = await openConcert(50);
    queueToken = await admitted(fan.token, concertId);
    const hold = async (seatNumber: number) => {
      const r = await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId, seatNumber } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const held = await hold(1);
    const paid = await hold(2);
    const payment = await call('POST', api('/payments'), { token: fan.token, queueToken, headers: { 'idempotency-key': 'fuzz-pay' }, body: { reservationId: paid } });
    expect(payment.status, JSON.stringify(payment.body)).toBe(201);
    ids = [concertId, held, paid, payment.body.id as string, fan.userId];
    fingerprint = await writeFingerprint(await testDatabaseUrl());
  }, 180_000);

  afterAll(async () => {
    await fingerprint?.close();
    await gw?.stop();
    await stack?.stop();
  });

  const credential = (c: FuzzCase): string | undefined => {
    const which: Credential = c.auth;
    if (which === 'none') return undefined;
    if (which === 'garbage') return c.authRaw;
    return `Bearer ${tokens[which]}`;
  };

  async function send(method: string, c: FuzzCase) {
    const headers: Record<string, string> = { ...c.headers };
    const auth = credential(c);
    if (auth !== undefined) headers.authorization = auth;
    if (c.queue === 'valid') headers['x-queue-token'] = queueToken;
    else if (c.queue === 'garbage') headers['x-queue-token'] = c.queueRaw;
    const res = await fetch(`${gw.api}${c.url}`, { method, headers, body: method === 'GET' ? undefined : c.body }).catch((err: unknown) => {
      // The client refused to send it (a header undici will not write): not a case for the server.
      fc.pre((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_INVALID_ARG');
      throw err;
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
  }

  /** A logout that worked revoked a fixture's session: log it in again so later cases still reach deep. */
  async function restoreSession(who: Credential) {
    if (who !== 'fan' && who !== 'other-fan') return;
    const l = await call('POST', api('/auth/login'), { body: logins[who] });
    expect(l.status).toBe(200);
    tokens[who] = l.body.accessToken as string;
  }

  it.each(OPERATIONS.map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(requestsFor(doc, op, ids), async (c) => {
          const write = WRITES.has(op.method);
          const before = write ? await fingerprint.read() : undefined;
          const r = await send(op.method, c);
          const what = `${op.method} ${c.url} → ${r.status} ${r.text.slice(0, 300)}`;
          expect(r.status, what).toBeLessThan(500);
          if (r.status >= 400) {
            expect(r.contentType, what).toMatch(/^application\/problem\+json/);
            const problem = JSON.parse(r.text) as { status?: number; code?: unknown };
            expect(problem.status, what).toBe(r.status);
            expect(typeof problem.code, what).toBe('string');
            if (before) expect(await fingerprint.read(), `refused, yet written: ${what}`).toEqual(before);
          } else if (r.status !== 204) {
            expect(r.contentType, what).toMatch(/^application\/json/);
          }
          if (op.path === '/auth/logout' && r.status === 204) await restoreSession(c.auth);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
    60_000 + RUNS * 500,
  );
});
