import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { DEMO_ADMIN_PASSWORD, serviceTokenSource, type ServiceName } from '@concert/service-kit';
import { call } from './support/gateway';
import { overRealServices } from './support/over-real-services';
import { REPO_ROOT, SERVICES } from './support/services';

// Issue 11 against the real services: least privilege between services, id aliasing, bad input, auth abuse.
describe('hardening over the real services', () => {
  const live = overRealServices({
    TRUST_PROXY: 'loopback',
    LOGIN_FREE_FAILURES: '3',
    RATE_LIMIT_AUTH_POINTS: '30',
    RATE_LIMIT_SIGNUP_POINTS: '3',
    RATE_LIMIT_ENQUEUE_POINTS: '6',
  });
  const { api, signupAndLogin, openConcert, admitted } = live;
  // Behind a proxy on loopback, X-Forwarded-For names the client: one address per actor below.
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  describe('least privilege between services', () => {
    const internal = async (svc: { url: string }, path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(`${svc.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { [INTERNAL_TOKEN_HEADER]: token, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    };
    const token = (caller: 'gateway' | 'payment-service', audience: ServiceName) =>
      serviceTokenSource(caller, caller === 'gateway' ? live.stack.internalKeys.INTERNAL_KEY_GATEWAY : live.stack.internalKeys.INTERNAL_KEY_PAYMENT, audience)();

    it('the old shared default opens nothing; each caller reaches only its routes', async () => {
      const user = randomUUID();
      expect((await internal(live.stack.payment, `/internal/users/${user}/balance`, 'dev-internal-token-change-me')).status).toBe(403);
      // payment-service may ask booking whether a reservation is payable, and nothing else anywhere.
      const pay = await token('payment-service', 'booking-service');
      expect((await internal(live.stack.booking, `/internal/reservations/${randomUUID()}/payable`, pay)).status).toBe(404);
      expect((await internal(live.stack.booking, '/internal/concerts', pay)).status).toBe(403);
      expect((await internal(live.stack.booking, `/internal/users/${user}/reservations`, pay)).status).toBe(403);
      expect((await internal(live.stack.payment, `/internal/users/${user}/balance`, await token('payment-service', 'payment-service'))).status).toBe(403);
      expect((await internal(live.stack.queue, `/internal/queues/${randomUUID()}/stats`, await token('payment-service', 'queue-service'))).status).toBe(403);
      // A gateway token for one service is not accepted by another.
      expect((await internal(live.stack.payment, `/internal/users/${user}/balance`, await token('gateway', 'booking-service'))).status).toBe(403);
      expect((await internal(live.stack.booking, '/internal/concerts', await token('gateway', 'booking-service'))).status).toBe(200);
    });

    it('no HTTP field makes an admin: role in the create-user call is ignored', async () => {
      const email = `would-be-admin-${randomUUID()}@example.test`;
      const gwToken = await token('gateway', 'payment-service');
      const created = await internal(live.stack.payment, '/internal/users', gwToken, { method: 'POST', body: { email, name: 'Mallory', password: 'password-123', role: 'admin' } });
      expect(created.status).toBe(201);
      const verified = await internal(live.stack.payment, '/internal/users/verify', gwToken, { method: 'POST', body: { email, password: 'password-123' } });
      expect((verified.body.user as { role: string }).role).toBe('user');
      const login = await call('POST', api('/auth/login'), { body: { email, password: 'password-123' } });
      expect((await call('GET', api(`/admin/concerts/${randomUUID()}/queue`), { token: login.body.accessToken as string })).status).toBe(403);
    });
  });

  describe('ids are canonical at the edge', () => {
    const casings = (id: string) => [
      id,
      id.toUpperCase(),
      id.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
      id.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c : c.toUpperCase())),
      id.slice(0, 18).toUpperCase() + id.slice(18),
      id.slice(0, 18) + id.slice(18).toUpperCase(),
    ];

    it('six casings of one concert: one queue place, at most 4 holds, one concert', async () => {
      const concertId = await openConcert(10);
      const fan = await signupAndLogin();
      const queueToken = await admitted(fan.token, concertId);
      const spellings = casings(concertId);
      expect(new Set(spellings).size).toBe(6);
      for (const c of spellings.slice(1)) {
        const again = await call('POST', api(`/concerts/${c}/queue/tokens`), { token: fan.token });
        expect(again.status, JSON.stringify(again.body)).toBe(200); // already queued: the same place
        expect(again.body.concertId).toBe(concertId);
        const concert = await call('GET', api(`/concerts/${c}`));
        expect(concert.body.id).toBe(concertId);
      }
      const holds = [];
      for (const [i, c] of spellings.entries()) holds.push(await call('POST', api('/reservations'), { token: fan.token, queueToken, body: { concertId: c, seatNumber: i + 1 } }));
      expect(holds.map((h) => h.status)).toEqual([201, 201, 201, 201, 409, 409]);
      expect(holds[4]!.body.code).toBe('HOLD_LIMIT_REACHED');
      for (const h of holds.slice(0, 4)) expect(h.body.concertId).toBe(concertId);
    });

    it('the enqueue limit counts every casing together', async () => {
      const concertId = await openConcert(10);
      const fan = await signupAndLogin();
      const spellings = [...casings(concertId), concertId.toUpperCase()];
      const statuses = [];
      for (const c of spellings) statuses.push((await call('POST', api(`/concerts/${c}/queue/tokens`), { token: fan.token })).status);
      expect(statuses).toEqual([201, 200, 200, 200, 200, 200, 429]);
    });
  });

  describe('bad input', () => {
    it('a NUL byte or control character in an e-mail or name → 400 VALIDATION_FAILED, nothing written', async () => {
      for (const body of [
        { email: `nul\u0000-${randomUUID()}@example.test`, name: 'Fan', password: 'password-123' },
        { email: `ok-${randomUUID()}@example.test`, name: 'Fan\u0000', password: 'password-123' },
        { email: `ok-${randomUUID()}@example.test`, name: 'Fan\u001b[2J', password: 'password-123' },
      ]) {
        const r = await call('POST', api('/auth/signup'), { body });
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
        const clean = body.email.replace(/\u0000/g, '');
        expect((await call('POST', api('/auth/login'), { body: { email: clean, password: body.password } })).status).toBe(401);
      }
      const title = await call('POST', api('/admin/concerts'), { token: live.adminToken, body: { title: 'A\u0000B' } });
      expect(title.status).toBe(400);
    });

    it('a concert priced 0.00 is refused with 400 (free seats are not sold)', async () => {
      const before = (await call('GET', api('/concerts'))).body.items as unknown[];
      for (const price of ['0.00', '0', '0.0']) {
        const now = Date.now();
        const r = await call('POST', api('/admin/concerts'), {
          token: live.adminToken,
          body: {
            title: 'Free',
            artist: 'Nobody',
            venue: 'Nowhere',
            concertDate: '2027-05-01',
            concertTime: '19:30:00',
            totalSeats: 5,
            price,
            bookingStartTime: new Date(now - 60_000).toISOString(),
            bookingEndTime: new Date(now + 3_600_000).toISOString(),
          },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.errors).toEqual([expect.objectContaining({ path: 'price' })]);
      }
      expect(((await call('GET', api('/concerts'))).body.items as unknown[]).length).toBe(before.length);
    });
  });

  describe('auth abuse', () => {
    it('an attacker cannot lock out a user who logs in from elsewhere; the attacker backs off exponentially', async () => {
      const victim = await signupAndLogin();
      const attacker = from('203.0.113.66');
      const tries: { status: number; retryAfter: string | null }[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await call('POST', api('/auth/login'), { body: { email: victim.email, password: `wrong-${i}` }, headers: attacker });
        tries.push({ status: r.status, retryAfter: r.headers.get('retry-after') });
      }
      // Three free failures, the fourth sets a 1 s block; the attempts right after it are refused unchecked.
      expect(tries.map((t) => t.status)).toEqual([401, 401, 401, 401, 429, 429]);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await call('POST', api('/auth/login'), { body: { email: victim.email, password: 'wrong' }, headers: attacker })).status).toBe(401);
      const blocked = await call('POST', api('/auth/login'), { body: { email: victim.email, password: victim.password }, headers: attacker });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBe(2); // 1 s, then 2 s: doubling
      // The victim, from their own address (and from the test host), logs in at once.
      expect((await call('POST', api('/auth/login'), { body: { email: victim.email, password: victim.password }, headers: from('198.51.100.20') })).status).toBe(200);
      expect((await call('POST', api('/auth/login'), { body: { email: victim.email, password: victim.password } })).status).toBe(200);
    });

    it('every /auth/* call is limited per client; other clients are unaffected', async () => {
      const noisy = from('203.0.113.77');
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await call('POST', api('/auth/login'), { body: {}, headers: noisy })).status);
      expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
      expect(statuses[30]).toBe(429);
      expect((await call('POST', api('/auth/signup'), { body: {}, headers: noisy })).status).toBe(429);
      expect((await call('POST', api('/auth/login'), { body: {}, headers: from('203.0.113.78') })).status).toBe(400);
    });

    it('signups are limited per client', async () => {
      const signup = (ip: string) =>
        call('POST', api('/auth/signup'), { body: { email: `s-${randomUUID()}@example.test`, name: 'Fan', password: 'password-123' }, headers: from(ip) });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await signup('203.0.113.88')).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect((await signup('203.0.113.89')).status).toBe(201);
    });
  });
});

describe('production mode: the services refuse default secrets', () => {
  const run = (service: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [resolve(REPO_ROOT, 'dist/apps', service, 'main.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'fatal', PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 8000,
    });

  it.each(SERVICES)('%s exits at start-up with the default internal keys', (service) => {
    const r = run(service, {});
    expect(r.status, `${service} did not refuse (signal ${r.signal})`).not.toBe(null);
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/Refusing to start in production[\s\S]*INTERNAL_KEY_GATEWAY/);
  });

  it('the create-admin CLI refuses the demo admin password in production', () => {
    const r = spawnSync(process.execPath, [resolve(REPO_ROOT, 'dist/apps/payment-service/create-admin.js'), '--email', 'ops@example.test', '--password', DEMO_ADMIN_PASSWORD], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'fatal', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 8000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ADMIN_PASSWORD: is the demo password/);
  });

  it('payment-service refuses the demo admin password', () => {
    const r = run('payment-service', { INTERNAL_KEY_GATEWAY: 'g'.repeat(40), INTERNAL_KEY_PAYMENT: 'p'.repeat(40), ADMIN_EMAIL: 'ops@example.test', ADMIN_PASSWORD: DEMO_ADMIN_PASSWORD });
    expect(r.status).not.toBe(null);
    expect(r.stderr + r.stdout).toMatch(/ADMIN_PASSWORD: is the demo password/);
  });
});
